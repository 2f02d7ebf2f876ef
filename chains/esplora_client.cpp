#include "chains/esplora_client.hpp"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <utility>

#include "net/curl_support.hpp"

namespace chains {
namespace {

using net::append_to_string;
using net::excerpt;

// Ids and addresses go into URL paths: anything but letters and digits would
// change the request, and neither a txid nor an address has anything else.
void require_plain(const std::string& text, const char* what) {
  if (text.empty() || text.size() > 100 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isalnum(c) != 0; }))
    throw esplora_error(std::string("not a plain ") + what);
}

std::uint64_t unsigned_at(const nlohmann::json& j, const char* key) {
  const auto found = j.find(key);
  if (found == j.end() || !found->is_number_unsigned())
    throw esplora_error(std::string("the reply has no whole number \"") + key + "\"");
  return found->get<std::uint64_t>();
}

esplora_tx_status status_of(const nlohmann::json& j) {
  if (!j.is_object() || !j.contains("confirmed") || !j.at("confirmed").is_boolean())
    throw esplora_error("a transaction status without \"confirmed\"");
  esplora_tx_status s;
  s.confirmed = j.at("confirmed").get<bool>();
  if (s.confirmed) {
    s.block_height = unsigned_at(j, "block_height");
    s.block_time = static_cast<std::int64_t>(unsigned_at(j, "block_time"));
  }
  return s;
}

esplora_transaction transaction_of(const nlohmann::json& j) {
  if (!j.is_object()) throw esplora_error("a transaction that is not a JSON object");
  esplora_transaction tx;
  const auto txid = j.find("txid");
  if (txid == j.end() || !txid->is_string()) throw esplora_error("a transaction without \"txid\"");
  tx.txid = txid->get<std::string>();
  std::transform(tx.txid.begin(), tx.txid.end(), tx.txid.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto vout = j.find("vout");
  if (vout == j.end() || !vout->is_array()) throw esplora_error("a transaction without \"vout\"");
  std::uint32_t n = 0;
  for (const auto& out : *vout) {
    if (!out.is_object()) throw esplora_error("an output that is not a JSON object");
    esplora_output o;
    o.n = n++;
    if (const auto a = out.find("scriptpubkey_address"); a != out.end() && a->is_string()) o.address = a->get<std::string>();
    o.value = domain::atomic_amount{unsigned_at(out, "value")};
    tx.outputs.push_back(std::move(o));
  }
  const auto status = j.find("status");
  if (status == j.end()) throw esplora_error("a transaction without \"status\"");
  tx.status = status_of(*status);
  return tx;
}

std::vector<esplora_transaction> transactions_of(const std::string& body) {
  const auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_array()) throw esplora_error("not a JSON array of transactions: " + excerpt(body));
  std::vector<esplora_transaction> out;
  for (const auto& t : j) out.push_back(transaction_of(t));
  return out;
}

}  // namespace

esplora_transaction parse_esplora_transaction(const std::string& json_text) {
  const auto j = nlohmann::json::parse(json_text, nullptr, false);
  if (j.is_discarded()) throw esplora_error("not JSON: " + excerpt(json_text));
  return transaction_of(j);
}

struct esplora_client::connection {
  std::mutex mutex;
  CURL* handle = nullptr;

  connection() {
    net::init_curl_once();
    handle = curl_easy_init();
    if (handle == nullptr) throw std::runtime_error("libcurl could not create a handle");
  }
  ~connection() { curl_easy_cleanup(handle); }
};

esplora_client::esplora_client(esplora_endpoint endpoint)
    : endpoint_(std::move(endpoint)), connection_(std::make_unique<connection>()) {
  endpoint_.base_url = net::trimmed_base(std::move(endpoint_.base_url));
}

esplora_client::~esplora_client() = default;

std::optional<std::string> esplora_client::get(const std::string& path) {
  const std::string where = "GET " + net::without_credentials(endpoint_.base_url) + path + ": ";
  const auto total = endpoint_.timeout;
  const auto connect = std::min(endpoint_.connect_timeout, total);
  const std::string url = endpoint_.base_url + path;

  std::lock_guard<std::mutex> lock{connection_->mutex};
  CURL* h = connection_->handle;
  std::string body;
  char error_buffer[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // called from worker threads
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, append_to_string);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<std::int64_t>(1, total.count())));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::max<std::int64_t>(1, connect.count())));
  // A public API may move; a redirect to plain http or elsewhere is not followed.
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  const CURLcode code = curl_easy_perform(h);
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);  // the buffer dies with this frame
  if (code != CURLE_OK)
    throw esplora_error(where + (error_buffer[0] != '\0' ? std::string(error_buffer) : curl_easy_strerror(code)));
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  if (status == 404) return std::nullopt;
  if (status != 200) throw esplora_error(where + "HTTP " + std::to_string(status) + " " + excerpt(body), status);
  return body;
}

std::uint64_t esplora_client::tip_height() {
  const auto body = get("/blocks/tip/height");
  if (!body) throw esplora_error("GET /blocks/tip/height: HTTP 404 (is esplora_url the API's base?)", 404);
  std::uint64_t height = 0;
  std::size_t digits = 0;
  for (char c : *body) {
    if (c >= '0' && c <= '9' && digits < 19) {
      height = height * 10 + static_cast<std::uint64_t>(c - '0');
      ++digits;
    } else if (c != '\n' && c != '\r' && c != ' ') {
      digits = 0;
      break;
    }
  }
  if (digits == 0) throw esplora_error("GET /blocks/tip/height: not a height: " + excerpt(*body));
  return height;
}

std::vector<esplora_transaction> esplora_client::address_transactions(const std::string& address) {
  require_plain(address, "address");
  const auto body = get("/address/" + address + "/txs");
  if (!body) throw esplora_error("GET /address/.../txs: HTTP 404", 404);
  return transactions_of(*body);
}

std::vector<esplora_transaction> esplora_client::address_mempool(const std::string& address) {
  require_plain(address, "address");
  const auto body = get("/address/" + address + "/txs/mempool");
  if (!body) throw esplora_error("GET /address/.../txs/mempool: HTTP 404", 404);
  return transactions_of(*body);
}

std::optional<esplora_tx_status> esplora_client::transaction_status(const std::string& txid) {
  require_plain(txid, "transaction id");
  const auto body = get("/tx/" + txid + "/status");
  if (!body) return std::nullopt;
  const auto j = nlohmann::json::parse(*body, nullptr, false);
  if (j.is_discarded()) throw esplora_error("GET /tx/.../status: not JSON: " + excerpt(*body));
  return status_of(j);
}

bool esplora_client::transaction_known(const std::string& txid) {
  require_plain(txid, "transaction id");
  return get("/tx/" + txid).has_value();
}

}  // namespace chains
