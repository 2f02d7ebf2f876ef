#pragma once

#include <memory>
#include <string>

#include "actors/interfaces.hpp"
#include "actors/journal_load.hpp"
#include "config/config.hpp"
#include "domain/access.hpp"
#include "sealing/vault.hpp"

namespace actors {

struct mailer_options {
  config::mail_config mail;
  config::shop_config shop;
  config::duration processing_time;
  std::string templates_dir;
  std::string database_url;
  std::shared_ptr<const sealing::vault> vault;  // opens the customer's row and texts
  // How busy checkouts keep the journal's writers: mail is held to
  // mail.rate_while_busy while they are busy (mail/pacing.hpp); null: never held back.
  std::shared_ptr<const journal_load> checkouts_load;
};

/// Delivers the outbox: claims due messages with a lease; `mail.senders`
/// threads render each from the order's read model and the customer's row and
/// send it over SMTP (or to the file drop) on connections kept open between
/// messages, a group at a time, held to `mail.rate_while_busy` while
/// checkouts keep the database writer busy; marks each sent, or failed with an
/// exponential backoff until `mail.max_attempts` makes it dead. Detached: SMTP
/// and the database block its own thread only. A crash between sending and
/// marking sends the message again with the same Message-ID (at least once).
mailer_actor::behavior_type mailer_impl(mailer_actor::pointer self, mailer_options options, domain::access_keys keys);

}  // namespace actors
