#include "state/sqlite_store.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cstdio>
#include <system_error>
#include <type_traits>

#include "state/schema.hpp"

namespace callplan::state {
namespace {

using std::chrono::milliseconds;

std::int64_t to_ms(WallClock t) {
  return std::chrono::duration_cast<milliseconds>(t.time_since_epoch()).count();
}
WallClock from_ms(std::int64_t ms) {
  return WallClock(std::chrono::duration_cast<WallClock::duration>(milliseconds(ms)));
}

WriteFailureKind classify(int code) {
  switch (code & 0xff) {
    case SQLITE_FULL: return WriteFailureKind::disk_full;
    case SQLITE_IOERR: return WriteFailureKind::io_error;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return WriteFailureKind::busy;
    default: return WriteFailureKind::other;
  }
}

bool is_damage(int code) {
  const int primary = code & 0xff;
  return primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT;
}

constexpr milliseconds first_retry{100};
constexpr milliseconds longest_retry{2000};
// After a stop is requested, a failing writer keeps retrying this long before giving up.
constexpr milliseconds stop_grace{3000};

}  // namespace

struct SqliteStore::Statements {
  explicit Statements(SqliteDb& db)
      : put_registration(db,
                         "INSERT OR REPLACE INTO registrations (company, username, contact, "
                         "source_address, source_port, transport, expires_ms, call_id, cseq, "
                         "q_millis, instance, reg_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"),
        remove_registration(
            db, "DELETE FROM registrations WHERE company = ? AND username = ? AND contact = ?"),
        put_round_robin(db,
                        "INSERT OR REPLACE INTO round_robin (company, ring_group, member) "
                        "VALUES (?,?,?)"),
        put_message_waiting(db,
                            "INSERT OR REPLACE INTO message_waiting (company, mailbox, "
                            "new_messages, old_messages) VALUES (?,?,?,?)"),
        append_call_record(db,
                           "INSERT INTO call_records (company, call_id, caller, callee, "
                           "started_ms, answered_ms, ended_ms, disposition, answered_by) "
                           "VALUES (?,?,?,?,?,?,?,?,?)"),
        put_panel_account(db,
                          "INSERT OR REPLACE INTO panel_accounts (login, password_hash, role) "
                          "VALUES (?,?,?)"),
        remove_panel_account(db, "DELETE FROM panel_accounts WHERE login = ?") {}

  Statement put_registration, remove_registration, put_round_robin, put_message_waiting,
      append_call_record, put_panel_account, remove_panel_account;
};

std::unique_ptr<SqliteStore> SqliteStore::open(const std::filesystem::path& dir,
                                               SqliteStoreOptions options) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    throw StoreError(StoreErrorKind::io, fmt::format("state directory {}: cannot create: {}",
                                                     dir.string(), ec.message()));
  }
  return std::unique_ptr<SqliteStore>(new SqliteStore(dir, std::move(options)));
}

SqliteStore::SqliteStore(const std::filesystem::path& dir, SqliteStoreOptions options)
    : options_(std::move(options)), lock_(dir) {
  const auto path = dir / "state.db";
  try {
    db_ = std::make_unique<SqliteDb>(path, /*create=*/true);
  } catch (const SqliteError& e) {
    throw StoreError(StoreErrorKind::io, e.what());
  }
  // A damaged file is reported, never replaced: it may be the only copy of the state.
  const auto damaged = [&](const std::string& why) {
    return StoreError(StoreErrorKind::corrupt,
                      fmt::format("{}: the state database is damaged ({}); it was left as it "
                                  "is: restore a backup, or move it away to start with an "
                                  "empty state",
                                  path.string(), why));
  };
  try {
    const auto check = db_->query_text("PRAGMA quick_check");
    if (check != "ok") throw damaged(check.value_or("quick_check returned nothing"));
    const auto mode = db_->query_text("PRAGMA journal_mode = WAL");
    if (mode != "wal") {
      throw StoreError(StoreErrorKind::io,
                       fmt::format("{}: cannot switch to WAL mode (got {})", path.string(),
                                   mode.value_or("nothing")));
    }
    db_->exec(options_.sync_every_batch ? "PRAGMA synchronous = FULL"
                                        : "PRAGMA synchronous = NORMAL");
    migrate(*db_);
    statements_ = std::make_unique<Statements>(*db_);
  } catch (const SqliteError& e) {
    if (is_damage(e.code())) throw damaged(e.what());
    throw StoreError(StoreErrorKind::io, e.what());
  }
  writer_ = std::thread([this] { writer_loop(); });
}

SqliteStore::~SqliteStore() {
  queue_.request_stop();
  if (writer_.joinable()) writer_.join();
}

void SqliteStore::log(std::string_view line) const {
  if (options_.log) {
    options_.log(line);
  } else {
    std::fprintf(stderr, "callplan: %.*s\n", static_cast<int>(line.size()), line.data());
  }
}

// --- load ----------------------------------------------------------------------------------

Snapshot SqliteStore::load(WallClock now, const RegistrationReader& reader) {
  flush(std::chrono::seconds(5));  // anything enqueued before is part of what we load
  Snapshot out;
  std::lock_guard lock(db_mutex_);
  SqliteDb& db = *db_;
  db.exec("BEGIN IMMEDIATE");
  try {
    Statement expired(db, "DELETE FROM registrations WHERE expires_ms <= ?");
    expired.bind(1, to_ms(now)).run();
    out.expired_registrations_dropped = static_cast<std::size_t>(sqlite3_changes(db.handle()));
    // TCP and TLS registrations end with their connection, which did not survive the restart.
    db.exec("DELETE FROM registrations WHERE transport <> 'udp'");
    out.connection_registrations_dropped =
        static_cast<std::size_t>(sqlite3_changes(db.handle()));
    db.exec("COMMIT");
  } catch (...) {
    db.exec("ROLLBACK");
    throw;
  }

  // Each row straight to the caller, as views into SQLite's row: nothing is copied here.
  // The count first, so the caller sizes its tables once (no rehash of 100,000 entries).
  if (reader.expect)
    reader.expect(static_cast<std::size_t>(
        db.query_int("SELECT count(*) FROM registrations").value_or(0)));
  Statement regs(db,
                 "SELECT company, username, contact, source_address, source_port, transport, "
                 "expires_ms, call_id, cseq, q_millis, instance, reg_id FROM registrations");
  RegistrationRow r;
  while (regs.step()) {
    r.company = regs.column_view(0);
    r.username = regs.column_view(1);
    r.contact = regs.column_view(2);
    r.source_address = regs.column_view(3);
    r.source_port = static_cast<std::uint16_t>(regs.column_int(4));
    r.transport = parse_transport(regs.column_view(5)).value_or(Transport::udp);
    r.expires = from_ms(regs.column_int(6));
    r.call_id = regs.column_view(7);
    r.cseq = static_cast<std::uint32_t>(regs.column_int(8));
    r.q_millis = static_cast<int>(regs.column_int(9));
    r.instance = regs.column_view(10);
    r.reg_id = static_cast<std::uint32_t>(regs.column_int(11));
    reader.row(r);
  }
  Statement rr(db, "SELECT company, ring_group, member FROM round_robin");
  while (rr.step()) {
    out.round_robin.push_back({rr.column_text(0), rr.column_text(1), rr.column_text(2)});
  }
  Statement mwi(db, "SELECT company, mailbox, new_messages, old_messages FROM message_waiting");
  while (mwi.step()) {
    out.message_waiting.push_back({mwi.column_text(0), mwi.column_text(1),
                                   static_cast<std::uint32_t>(mwi.column_int(2)),
                                   static_cast<std::uint32_t>(mwi.column_int(3))});
  }
  Statement accounts(db, "SELECT login, password_hash, role FROM panel_accounts");
  while (accounts.step()) {
    out.panel_accounts.push_back(
        {accounts.column_text(0), accounts.column_text(1), accounts.column_text(2)});
  }
  return out;
}

std::vector<CallRecord> SqliteStore::recent_call_records(const std::string& company,
                                                         std::size_t limit) {
  std::lock_guard lock(db_mutex_);
  const char* columns =
      "SELECT company, call_id, caller, callee, started_ms, answered_ms, ended_ms, "
      "disposition, answered_by FROM call_records ";
  Statement q(*db_, company.empty()
                        ? fmt::format("{} ORDER BY id DESC LIMIT ?2", columns)
                        : fmt::format("{} WHERE company = ?1 ORDER BY id DESC LIMIT ?2", columns));
  if (!company.empty()) q.bind(1, company);
  q.bind(2, static_cast<std::int64_t>(limit));
  std::vector<CallRecord> out;
  while (q.step()) {
    CallRecord c;
    c.company = q.column_text(0);
    c.call_id = q.column_text(1);
    c.caller = q.column_text(2);
    c.callee = q.column_text(3);
    c.started = from_ms(q.column_int(4));
    if (!q.column_is_null(5)) c.answered = from_ms(q.column_int(5));
    c.ended = from_ms(q.column_int(6));
    c.disposition = q.column_text(7);
    c.answered_by = q.column_text(8);
    out.push_back(std::move(c));
  }
  return out;
}

// --- changes -------------------------------------------------------------------------------

void SqliteStore::enqueue(Change change) { queue_.push(std::move(change)); }

void SqliteStore::put_registration(Registration registration) {
  enqueue(std::move(registration));
}
void SqliteStore::remove_registration(std::string company, std::string username,
                                      std::string contact) {
  enqueue(RegistrationRemoved{std::move(company), std::move(username), std::move(contact)});
}
void SqliteStore::put_round_robin(RoundRobinPosition position) { enqueue(std::move(position)); }
void SqliteStore::put_message_waiting(MessageWaiting lamp) { enqueue(std::move(lamp)); }
void SqliteStore::append_call_record(CallRecord record) { enqueue(std::move(record)); }
void SqliteStore::put_panel_account(PanelAccount account) { enqueue(std::move(account)); }
void SqliteStore::remove_panel_account(std::string login) {
  enqueue(PanelAccountRemoved{std::move(login)});
}

bool SqliteStore::flush(std::chrono::milliseconds timeout) {
  return queue_.wait_committed(timeout);
}

StoreCounters SqliteStore::counters() const {
  StoreCounters c;
  c.changes_enqueued = queue_.enqueued();
  c.changes_written = queue_.committed_sequence();
  c.pending = c.changes_enqueued - c.changes_written;
  c.batches_written = batches_written_.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < write_failure_kinds; ++i) {
    c.write_failures[i] = failures_[i].load(std::memory_order_relaxed);
  }
  return c;
}

// --- the writer ----------------------------------------------------------------------------

void SqliteStore::writer_loop() {
  std::vector<Change> batch;
  std::uint64_t last_sequence = 0;
  milliseconds retry_after = first_retry;
  std::optional<std::chrono::steady_clock::time_point> give_up_at;
  for (;;) {
    if (batch.empty()) {
      batch = queue_.take(std::chrono::seconds(1), last_sequence);
      if (batch.empty()) {
        if (queue_.stop_requested()) return;
        continue;
      }
      // Gather what arrives in the next few ms into the same transaction.
      queue_.pause(options_.batch_window);
    } else if (queue_.stop_requested()) {
      std::this_thread::sleep_for(first_retry);  // pause() no longer waits once stopping
    } else {
      queue_.pause(retry_after);
    }
    auto more = queue_.take(milliseconds(0), last_sequence);
    batch.insert(batch.end(), std::make_move_iterator(more.begin()),
                 std::make_move_iterator(more.end()));

    if (write_batch(batch)) {
      queue_.committed(last_sequence);
      batch.clear();
      retry_after = first_retry;
      continue;
    }
    // Kept for the next attempt, with whatever arrives meanwhile appended after it.
    retry_after = std::min(retry_after * 2, longest_retry);
    if (queue_.stop_requested()) {
      const auto now = std::chrono::steady_clock::now();
      if (!give_up_at) give_up_at = now + stop_grace;
      if (now >= *give_up_at) {
        log(fmt::format("state: stopping with {} changes not written to {} (see the errors "
                        "above)",
                        batch.size(), db_->path().string()));
        return;
      }
    }
  }
}

bool SqliteStore::write_batch(const std::vector<Change>& batch) {
  std::lock_guard lock(db_mutex_);
  if (options_.before_batch) options_.before_batch(db_->handle());
  try {
    db_->exec("BEGIN IMMEDIATE");
    for (const Change& change : batch) apply(change);
    db_->exec("COMMIT");
  } catch (const SqliteError& e) {
    if (!sqlite3_get_autocommit(db_->handle())) {
      sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    report_failure(classify(e.code()), e.what());
    return false;
  }
  batches_written_.fetch_add(1, std::memory_order_relaxed);
  if (failing_since_ > 0) {
    log(fmt::format("state: writing to {} works again after {} failed attempts; nothing was "
                    "lost",
                    db_->path().string(), failing_since_));
    failing_since_ = 0;
    failure_logged_.fill(false);
  }
  return true;
}

void SqliteStore::report_failure(WriteFailureKind kind, std::string_view message) {
  const auto index = static_cast<std::size_t>(kind);
  failures_[index].fetch_add(1, std::memory_order_relaxed);
  ++failing_since_;
  if (!failure_logged_[index]) {
    failure_logged_[index] = true;
    log(fmt::format("state: cannot write ({}): {}; the changes are kept and retried", 
                    write_failure_name(kind), message));
  }
}

void SqliteStore::apply(const Change& change) {
  Statements& s = *statements_;
  std::visit(
      [&](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, Registration>) {
          s.put_registration.bind(1, c.company)
              .bind(2, c.username)
              .bind(3, c.contact)
              .bind(4, c.source_address)
              .bind(5, std::int64_t{c.source_port})
              .bind(6, transport_name(c.transport))
              .bind(7, to_ms(c.expires))
              .bind(8, c.call_id)
              .bind(9, std::int64_t{c.cseq})
              .bind(10, std::int64_t{c.q_millis})
              .bind(11, c.instance)
              .bind(12, std::int64_t{c.reg_id})
              .run();
        } else if constexpr (std::is_same_v<T, RegistrationRemoved>) {
          s.remove_registration.bind(1, c.company).bind(2, c.username).bind(3, c.contact).run();
        } else if constexpr (std::is_same_v<T, RoundRobinPosition>) {
          s.put_round_robin.bind(1, c.company)
              .bind(2, c.ring_group)
              .bind(3, c.member)
              .run();
        } else if constexpr (std::is_same_v<T, MessageWaiting>) {
          s.put_message_waiting.bind(1, c.company)
              .bind(2, c.mailbox)
              .bind(3, std::int64_t{c.new_messages})
              .bind(4, std::int64_t{c.old_messages})
              .run();
        } else if constexpr (std::is_same_v<T, CallRecord>) {
          auto& q = s.append_call_record;
          q.bind(1, c.company).bind(2, c.call_id).bind(3, c.caller).bind(4, c.callee);
          q.bind(5, to_ms(c.started));
          if (c.answered) {
            q.bind(6, to_ms(*c.answered));
          } else {
            q.bind_null(6);
          }
          q.bind(7, to_ms(c.ended)).bind(8, c.disposition).bind(9, c.answered_by).run();
        } else if constexpr (std::is_same_v<T, PanelAccount>) {
          s.put_panel_account.bind(1, c.login).bind(2, c.password_hash).bind(3, c.role).run();
        } else if constexpr (std::is_same_v<T, PanelAccountRemoved>) {
          s.remove_panel_account.bind(1, c.login).run();
        }
      },
      change);
}

}  // namespace callplan::state
