#pragma once

#include <memory>
#include <string>

#include "actors/admin_accounts.hpp"
#include "actors/interfaces.hpp"

namespace actors {

/// The back office's door on its own connection (detached: password hashes
/// and the database block its own thread only). The audit log is written as
/// entries arrive; a lost entry is logged, never fails the request. `vault`
/// opens the admins' TOTP secrets.
admin_access_actor::behavior_type admin_access_impl(admin_access_actor::pointer self, std::string database_url,
                                                    std::shared_ptr<const sealing::vault> vault, admin_policy policy);

}  // namespace actors
