#include "assembly/keys_command.hpp"

#include <algorithm>
#include <iomanip>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "persistence/connection.hpp"
#include "persistence/key_rotation.hpp"
#include "persistence/migrate.hpp"
#include "sealing/key_file.hpp"
#include "sealing/keyring.hpp"
#include "sealing/vault.hpp"

namespace assembly {
namespace {

constexpr const char* usage = "usage: order_engine [--config FILE] keys rotate\n";

using steady = std::chrono::steady_clock;

/// A rotation that cannot finish now; the message says what the file holds.
class unfinished : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ", ") + id;
  return out;
}

std::string seconds(steady::duration d) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << std::chrono::duration<double>(d).count() << " s";
  return out.str();
}

struct sweep_totals {
  bool root_rewrapped = false;
  std::int64_t rewrapped = 0;
  std::int64_t left_alone = 0;
  std::int64_t batches = 0;
  std::set<std::string> unopenable;
  bool stalled = false;
};

/// Rewraps the root key and every customer key that one of `old_ids`
/// wrapped under the ring's current key.
sweep_totals sweep(persistence::key_rotation& db, const sealing::keyring& ring, const std::vector<std::string>& old_ids,
                   std::size_t batch) {
  sweep_totals totals;
  if (auto root = db.root_key();
      root && std::count(old_ids.begin(), old_ids.end(), sealing::keyring::key_id_of(*root)) > 0) {
    auto rewrapped = ring.rewrap(*root, sealing::vault::root_owner);
    // Checked before the file was touched; a root key that stops opening
    // since is another rotation's doing, which the lock rules out.
    if (!rewrapped) throw unfinished("the shop's root key does not open under the old key any more");
    totals.root_rewrapped = db.replace_root_key(*root, *rewrapped);
  }
  for (const auto& id : old_ids) {
    const auto pass = db.rewrap_customer_keys(id, batch, [&](const std::string& ref, const std::string& wrapped) {
      return ring.rewrap(wrapped, sealing::vault::customer_owner(ref));
    });
    totals.rewrapped += pass.rewrapped;
    totals.left_alone += pass.left_alone;
    totals.batches += pass.batches;
    totals.unopenable.insert(pass.unopenable.begin(), pass.unopenable.end());
    totals.stalled = totals.stalled || pass.stalled;
  }
  return totals;
}

void pause(std::ostream& out, std::chrono::milliseconds settle, const char* why) {
  out << "keys: waiting " << seconds(settle) << " " << why << "\n" << std::flush;
  std::this_thread::sleep_for(settle);
}

/// How many customer keys one of `ids` wraps.
std::int64_t wrapped_by(persistence::key_rotation& db, const std::vector<std::string>& ids) {
  std::int64_t n = 0;
  for (const auto& [id, count] : db.customer_keys_by_master_key())
    if (std::count(ids.begin(), ids.end(), id) > 0) n += count;
  return n;
}

/// Sweeps until no customer key names an old key: a row an engine wrapped
/// with an old key after a sweep read past it is caught by the next one.
/// Throws `unfinished` when rows stay that no sweep can move.
sweep_totals sweep_until_done(persistence::key_rotation& db, const sealing::keyring& ring,
                              const std::vector<std::string>& old_ids, std::size_t batch) {
  sweep_totals totals;
  while (true) {
    const auto pass = sweep(db, ring, old_ids, batch);
    totals.root_rewrapped = totals.root_rewrapped || pass.root_rewrapped;
    totals.rewrapped += pass.rewrapped;
    totals.left_alone += pass.left_alone;
    totals.batches += pass.batches;
    totals.unopenable.insert(pass.unopenable.begin(), pass.unopenable.end());
    const auto left = wrapped_by(db, old_ids);
    if (left == 0) return totals;
    if (pass.rewrapped > 0 && !pass.stalled) continue;
    std::string why = std::to_string(left) + " customer key(s) still wrapped by " + joined(old_ids);
    if (!totals.unopenable.empty())
      why += ", " + std::to_string(totals.unopenable.size()) + " of which do not open under it (customer " +
             *totals.unopenable.begin() + (totals.unopenable.size() > 1 ? " and others" : "") + ")";
    if (pass.stalled) why += "; other transactions kept rows locked for seconds";
    throw unfinished(why);
  }
}

}  // namespace

int keys_command(const config::engine_config& config, const std::vector<std::string>& args, std::ostream& out,
                 std::ostream& err, const rotation_options& options) {
  if (args.size() != 1 || args[0] != "rotate") {
    err << usage;
    return 2;
  }
  const auto& path = config.security.master_key_file;
  if (path.empty()) {
    err << "keys: security.master_key_file is not set: it names the master key file to rotate\n";
    return 2;
  }
  std::vector<sealing::secret_key> keys;
  try {
    keys = sealing::read_key_file(path);
  } catch (const sealing::key_file_error& e) {
    err << "keys: " << e.what() << "; nothing was changed\n";
    return 2;
  }

  // Where the file stands, for what an error must say (and undo).
  bool file_has_new_key = false;  // the new key is in front: run again to go on
  bool old_keys_dropped = false;  // engines no longer open what the old keys wrapped
  auto give_old_keys_back = [&] {
    if (!old_keys_dropped) return;
    // Rows may still name an old key: the engines need it back until a
    // run of the command finishes, which this file lets it do.
    try {
      sealing::write_key_file(path, keys);
      old_keys_dropped = false;
    } catch (const sealing::key_file_error& e) {
      err << "keys: " << e.what() << ": engines cannot open what the old key wrapped\n";
    }
  };
  try {
    persistence::migrate(config.database.url);
    persistence::connection connection{config.database.url};
    persistence::key_rotation db{connection};
    if (!db.try_lock()) {
      err << "keys: another key rotation is running on this database; nothing was changed\n";
      return 1;
    }
    // The file must be this shop's before anything is written: a foreign
    // key put in front of it would have engines wrap new customers' keys
    // under a key that opens nothing else of the shop.
    const auto root = db.root_key();
    if (root && !sealing::keyring{keys}.unwrap(*root, sealing::vault::root_owner)) {
      err << "keys: security.master_key_file: the key(s) in " << path
          << " do not open this database's keys, which master key " << sealing::keyring::key_id_of(*root)
          << " wrapped: is it the file this shop runs with? nothing was changed\n";
      return 2;
    }
    const auto started = steady::now();

    // 1. The new key in front, the old one(s) behind it.
    if (keys.size() == 1) {
      keys.insert(keys.begin(), sealing::secret_key::random());
      sealing::write_key_file(path, keys);
      out << "keys: new master key " << sealing::key_id(keys[0]) << " written to " << path << ", ahead of "
          << sealing::key_id(keys[1]) << ": engines wrap with the new key and open both\n";
    } else {
      out << "keys: " << path << " holds " << keys.size()
          << " keys, a rotation begun earlier: " << sealing::key_id(keys[0]) << " is the new key\n";
    }
    file_has_new_key = true;
    const sealing::keyring ring{keys};
    const auto new_id = sealing::key_id(keys[0]);
    std::vector<std::string> old_ids;
    for (std::size_t i = 1; i < keys.size(); ++i)
      if (auto id = sealing::key_id(keys[i]); id != new_id) old_ids.push_back(id);

    // 2. Rewrap what the old key(s) wrapped, once every engine wraps with the new key.
    pause(out, options.settle, "for running engines to read the file");
    const auto first = sweep_until_done(db, ring, old_ids, options.batch);
    out << "keys: " << (first.root_rewrapped ? "root key and " : "") << first.rewrapped
        << " customer key(s) rewrapped in " << first.batches << " transaction(s); " << first.left_alone
        << " left alone (erased or changed meanwhile)\n";

    // 3. Drop the old key(s), then catch what a straggler wrapped with them.
    sealing::write_key_file(path, {keys[0]});
    old_keys_dropped = true;
    out << "keys: " << path << " holds the new key alone\n";
    pause(out, options.settle, "for stragglers");
    const auto last = sweep_until_done(db, ring, old_ids, options.batch);
    std::int64_t wrapped_by_new = 0;
    for (const auto& [id, count] : db.customer_keys_by_master_key())
      if (id == new_id) wrapped_by_new = count;
    out << "keys: last sweep: " << (last.root_rewrapped ? "root key and " : "") << last.rewrapped
        << " customer key(s) rewrapped\n"
        << "keys: done in " << seconds(steady::now() - started) << ": master key " << new_id << " wraps "
        << (root ? "the root key and " : "") << wrapped_by_new << " customer key(s); "
        << first.rewrapped + last.rewrapped << " rewrapped, " << first.left_alone + last.left_alone
        << " left alone; no key names " << joined(old_ids) << " any more\n";
    return 0;
  } catch (const unfinished& e) {
    give_old_keys_back();
    err << "keys: not finished: " << e.what() << ". " << path
        << " still holds the new key and the old one(s); run `order_engine keys rotate` again to go on\n";
    return 1;
  } catch (const sealing::key_file_error& e) {
    give_old_keys_back();
    err << "keys: " << e.what() << (file_has_new_key ? "; run `order_engine keys rotate` again to go on" : "") << "\n";
    return 2;
  } catch (const std::exception& e) {
    give_old_keys_back();
    err << "keys: the database cannot be reached: " << e.what()
        << (file_has_new_key ? "; " + path +
                                   " holds the new key and the old one(s): run `order_engine keys rotate` again "
                                   "to go on"
                             : std::string{"; nothing was changed"})
        << "\n";
    return 3;
  }
}

}  // namespace assembly
