#pragma once

// For journal_store's constructor: the statements of its reads
// (journal_reads.cpp), prepared on its connection with those of its append.

#include "persistence/pq_connection.hpp"

namespace persistence::detail {

void declare_journal_reads(connection::impl& native);

}  // namespace persistence::detail
