// Loading and checking: callplan.load / load_string return a Tenant holding the model and
// every issue (the loader's and the checker's, in `callplan check` order).
#include <algorithm>
#include <tuple>

#include <pybind11/stl.h>

#include "callplan/check.hpp"
#include "callplan/load.hpp"
#include "callplan/prompts.hpp"
#include "callplan/report.hpp"
#include "core.hpp"
#include "media/prompt/prompt_meter.hpp"

namespace callplan::python {
namespace {

struct TenantHandle {
  Tenant tenant;
  Issues issues;
  std::string file;  // as the user named it, for reports
  std::shared_ptr<EngineHandle> engine;  // compiled on first use
};

// The order of load_and_check(), which the CLI prints: by place, then code, then message.
void sort_issues(Issues& issues) {
  std::stable_sort(issues.begin(), issues.end(), [](const Issue& a, const Issue& b) {
    return std::tie(a.location.file, a.location.line, a.location.column, a.code, a.message) <
           std::tie(b.location.file, b.location.line, b.location.column, b.code, b.message);
  });
}

// Audio files through libsndfile, `text` through espeak-ng into the user's speech cache: the
// hosts' one meter (src/media/prompt).
const PromptMeter& python_prompt_meter() {
  static const PromptMeter meter = media::prompt_meter(media::default_prompt_cache());
  return meter;
}

std::shared_ptr<TenantHandle> load_path(const std::string& path) {
  auto h = std::make_shared<TenantHandle>();
  {
    py::gil_scoped_release unlocked;
    // Prompts measured as `callplan simulate` and `serve` measure them (SPEC 3.9).
    CheckedTenant checked = load_and_check(path, {.prompts = &python_prompt_meter()});
    h->tenant = std::move(checked.tenant);
    h->issues = std::move(checked.issues);
  }
  h->file = path;
  return h;
}

std::shared_ptr<TenantHandle> load_text(const std::string& text, const std::string& name) {
  auto h = std::make_shared<TenantHandle>();
  {
    py::gil_scoped_release unlocked;
    LoadResult loaded = callplan::load_string(text, name);
    Issues found = callplan::check(loaded.tenant);
    Issues measured = measure_prompts(loaded.tenant, python_prompt_meter());
    h->issues = std::move(loaded.issues);
    h->issues.insert(h->issues.end(), found.begin(), found.end());
    h->issues.insert(h->issues.end(), measured.begin(), measured.end());
    sort_issues(h->issues);
    h->tenant = std::move(loaded.tenant);
  }
  h->file = name;
  return h;
}

}  // namespace

void bind_tenant(py::module_& m) {
  py::class_<TenantHandle, std::shared_ptr<TenantHandle>>(m, "Tenant")
      .def_property_readonly("issues", [](const TenantHandle& h) {
        return issues_to_python(h.issues);
      })
      .def_property_readonly("name", [](const TenantHandle& h) { return h.tenant.info.name.value; })
      .def_property_readonly("timezone",
                             [](const TenantHandle& h) { return h.tenant.info.timezone.value; })
      .def_property_readonly("file", [](const TenantHandle& h) { return h.file; })
      .def_property_readonly("numbers", [](const TenantHandle& h) {
        py::list out;  // (number, plan, label)
        for (const Number& n : h.tenant.numbers) {
          out.append(py::make_tuple(n.number.value, n.plan.value, n.label));
        }
        return out;
      })
      .def_property_readonly("users", [](const TenantHandle& h) {
        py::list out;  // (extension, first name, last name, voicemail)
        for (const User& u : h.tenant.users) {
          out.append(py::make_tuple(u.extension.value, u.first_name, u.last_name,
                                    u.voicemail.value));
        }
        return out;
      })
      .def_property_readonly("plans", [](const TenantHandle& h) {
        py::list out;  // (id, label)
        for (const Plan& p : h.tenant.plans) out.append(py::make_tuple(p.id.value, p.label));
        return out;
      })
      .def("report", [](const TenantHandle& h, const std::string& format, bool color) {
        auto f = parse_report_format(format);
        if (!f) throw Error("report format `" + format + "`: use human, gcc, json, sarif or github");
        return format_report({FileReport{h.file, h.issues, &h.tenant.sources}}, {*f, color});
      }, py::arg("format"), py::arg("color") = false)
      .def("engine", [](TenantHandle& h) {
        // Compiling refuses a tenant with errors (callplan::Error carrying them).
        if (!h.engine) {
          h.engine = std::make_shared<EngineHandle>(Engine::compile(h.tenant, h.issues));
        }
        return h.engine;
      });
  m.def("load_file", &load_path, py::arg("path"));
  m.def("load_string", &load_text, py::arg("text"), py::arg("name"));
}

}  // namespace callplan::python
