// The admin's wallet CSV import: parsed by the domain, then sent through the
// payment matcher in chunks, one after the other, and summed up per row.

#include <algorithm>

#include "actors/ask.hpp"
#include "actors/engine.hpp"
#include "actors/service_directory.hpp"
#include "domain/wallet_csv.hpp"

namespace actors {
namespace {

/// A wallet import on its way through the matcher, one chunk at a time.
struct import_run {
  std::vector<domain::incoming_payment> payments;
  std::vector<int> lines;  // of each payment, for rows the matcher could not record
  app::import_summary summary;
  app::callback<app::import_summary> done;
};

// Big enough that the matcher's two lookups amortise, small enough that the
// orders' commands of one chunk fit well within one ask.
constexpr std::size_t import_chunk = 2000;
constexpr std::chrono::seconds import_chunk_timeout{120};

void count(import_run& run, std::size_t first, const std::vector<payment_disposition>& out) {
  for (std::size_t k = 0; k < out.size(); ++k) {
    switch (out[k].kind) {
      case payment_disposition::matched:
      case payment_disposition::awaiting:
        ++run.summary.matched;
        break;
      case payment_disposition::exception:
        ++run.summary.exceptions;
        break;
      case payment_disposition::duplicate:
        ++run.summary.duplicates;
        break;
      case payment_disposition::failed:
        run.summary.rejected.push_back(
            {run.lines[first + k], "not recorded: the order did not answer in time; import the file again"});
        break;
    }
  }
}

}  // namespace

void engine::import_payments(std::string csv, app::callback<app::import_summary> done) {
  auto parsed = domain::parse_wallet_csv(csv, settings_.methods);
  if (!parsed) {
    done(parsed.error());
    return;
  }
  // One place at the matcher's gate for the whole file: its chunks go one at a time.
  if (!admit(*settings_.matcher_gate, done)) return;
  auto run = std::make_shared<import_run>();
  run->done = std::move(done);
  auto& file = parsed.value();
  run->summary.processed = static_cast<int>(file.rows.size() + file.duplicates.size() + file.rejected.size());
  run->summary.duplicates = static_cast<int>(file.duplicates.size());
  for (const auto& r : file.rejected) run->summary.rejected.push_back({r.line, r.reason});
  for (auto& row : file.rows) {
    domain::incoming_payment p;
    p.coin = row.coin;
    p.txid = std::move(row.txid);
    p.amount = row.amount;
    p.received_at = row.received_at;
    // A wallet's export lists what it has: counted as confirmed.
    const auto* method = domain::find_method(settings_.methods, row.coin);
    p.confirmations = method ? method->confirmations : 0;
    if (!row.memo.empty()) p.memo = std::move(row.memo);
    p.source = domain::payment_source::import;
    run->payments.push_back(std::move(p));
    run->lines.push_back(row.line);
  }
  auto* system = &system_;
  auto services = services_;
  std::vector<step> chunks;
  for (std::size_t first = 0; first < run->payments.size(); first += import_chunk)
    chunks.push_back([system, services, run, first](std::function<void()> next) {
      const std::size_t last = std::min(first + import_chunk, run->payments.size());
      std::vector<domain::incoming_payment> chunk(run->payments.begin() + first, run->payments.begin() + last);
      ask_within(
          *system, import_chunk_timeout, services->get().matcher,
          [run, first, next](std::vector<payment_disposition>& out) {
            count(*run, first, out);
            next();
          },
          [run](const caf::error& e) {  // ends the sequence: the file is answered with the error
            run->done(failure<app::import_summary>(e));
          },
          match_atom::value, std::move(chunk));
    });
  run_in_turn(std::move(chunks), [run] {
    std::sort(run->summary.rejected.begin(), run->summary.rejected.end(),
              [](const auto& a, const auto& b) { return a.line < b.line; });
    run->done(std::move(run->summary));
  });
}

}  // namespace actors
