# Checks that no stage of src/ includes a later one (DESIGN.md section 1: the pipeline runs one
# way, load -> check -> compile -> route -> hosts), and that the public headers include only
# public headers. Run by ctest (build.stage_order):
#   cmake -DSOURCE_DIR=<callplan source tree> -DWORK_DIR=<scratch folder> -P <this file>
#
# A stage is a folder of src/ (src/media/prompt, src/media/engine and src/sip/server count as their own: the
# prompt files are the base that the voicemail store and the mail outbox build on, and the
# media process is the host on top of them; the SIP server assembles sip's layers and provisioning). A file may include its own stage's headers, the
# public callplan/ headers and those of the stages before its own in STAGES. A folder that
# is not in the list fails the check: a new stage has to be given its place.
#
# Before reading the tree, the check runs on a planted tree with one arrow the wrong way and
# fails unless it finds exactly that one: the test cannot pass by finding nothing.
cmake_minimum_required(VERSION 3.25)

# The order, earliest first. The core pipeline, then what the hosts share (scenarios, the
# simulator, the flow graph, plan tests), then the phone system around the engine (media,
# voicemail, mail, state, HTTP) and the SIP server with the services on top of it.
set(STAGES
  model        # the tenant's plain structs and the domain's words
  diagnostics  # issues and their place in the file
  load         # YAML -> model
  check        # model -> issues
  compile      # model -> Engine
  route        # Engine + call -> CallSession
  schedule     # instants and schedules, as hosts script calls
  scenario     # call scenarios: the CLI's, Python's and the plan tests'
  simulate     # virtual clock + scripted world -> trace
  graph        # the flow graph of a plan
  diff         # what a change to a tenant changes
  format       # issues as text, SARIF, GitHub annotations
  plantest     # a tenant's plan tests
  media/prompt # prompt files, speech, durable files
  media        # RTP, SDP, G.711, DTMF
  voicemail    # the voicemail store
  mail         # the mail outbox
  media/engine # the media process
  state        # the state store
  http         # the one HTTP server
  sip          # the SIP message layers, registrar, proxy, B2BUA and events
  provision    # phone provisioning (its endpoint shares sip's digest and throttles)
  cluster      # nodes sharing registrations through Redis (keeps sip's location service)
  sip/server   # the SIP server that assembles them (check-sync re-renders phones' files)
  panel)       # the panel's API

# The stage of a path below src/ (or of an include's "x/y.hpp").
function(stage_of path out)
  if(path MATCHES "^media/(prompt|engine)/")
    set(${out} "media/${CMAKE_MATCH_1}" PARENT_SCOPE)
  elseif(path MATCHES "^sip/server/")
    set(${out} "sip/server" PARENT_SCOPE)
  else()
    string(REGEX REPLACE "/.*" "" first "${path}")
    set(${out} "${first}" PARENT_SCOPE)
  endif()
endfunction()

# Appends to <out> one line per include that points the wrong way under <tree>.
function(check_tree tree out)
  set(found "")
  file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE "${tree}/src"
       "${tree}/src/*.hpp" "${tree}/src/*.cpp" "${tree}/src/*.h")
  foreach(file ${files})
    stage_of("${file}" stage)
    list(FIND STAGES "${stage}" rank)
    if(rank EQUAL -1)
      list(APPEND found "src/${file}: its folder `${stage}` is not in STAGES (tests/consumer/check_stage_order.cmake): give it its place")
      continue()
    endif()
    file(STRINGS "${tree}/src/${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"[^\"]+/")
    foreach(line ${lines})
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*" "\\1" header "${line}")
      if(header MATCHES "^callplan/")
        continue()
      endif()
      stage_of("${header}" to)
      if(to STREQUAL stage)
        continue()
      endif()
      list(FIND STAGES "${to}" to_rank)
      if(to_rank EQUAL -1 OR to_rank GREATER rank)
        list(APPEND found "src/${file}: includes \"${header}\": ${stage} may not include ${to} (a later stage, or none)")
      endif()
    endforeach()
  endforeach()
  file(GLOB_RECURSE headers LIST_DIRECTORIES false RELATIVE "${tree}/include"
       "${tree}/include/*.hpp")
  foreach(file ${headers})
    file(STRINGS "${tree}/include/${file}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line ${lines})
      if(NOT line MATCHES "#[ \t]*include[ \t]*\"callplan/")
        list(APPEND found "include/${file}: a public header includes a private one: ${line}")
      endif()
    endforeach()
  endforeach()
  set(${out} "${found}" PARENT_SCOPE)
endfunction()

# The planted tree: route includes simulate (wrong way), simulate includes route (right way).
set(planted "${WORK_DIR}/stage_order_planted")
file(REMOVE_RECURSE "${planted}")
file(WRITE "${planted}/src/route/a.cpp" "#include \"route/a.hpp\"\n#include \"simulate/b.hpp\"\n")
file(WRITE "${planted}/src/simulate/b.cpp" "#include \"route/a.hpp\"\n#include \"callplan/x.hpp\"\n")
file(WRITE "${planted}/src/media/prompt/c.cpp" "#include \"model/words.hpp\"\n")
check_tree("${planted}" planted_found)
file(REMOVE_RECURSE "${planted}")
list(LENGTH planted_found planted_count)
if(NOT planted_count EQUAL 1 OR NOT planted_found MATCHES "^src/route/a.cpp: includes \"simulate/b.hpp\"")
  message(FATAL_ERROR "the stage check does not find the one planted wrong-way include; it "
                      "found: ${planted_found}")
endif()

check_tree("${SOURCE_DIR}" problems)
if(problems)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "includes against the stage order (DESIGN.md section 1):\n  ${text}")
endif()
message(STATUS "stage order: no include from a stage to a later one")
