#include "http/router.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>

#include "http/problem.hpp"

namespace http {

namespace {

// Deep enough for every route we serve; deeper paths simply do not match.
constexpr std::size_t max_segments = 32;

struct split_path {
  std::array<std::string_view, max_segments> parts;
  std::size_t count = 0;
  bool too_deep = false;
};

split_path split(std::string_view path) {
  split_path out;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto slash = path.find('/', pos);
    auto end = slash == std::string_view::npos ? path.size() : slash;
    if (end > pos) {
      if (out.count == max_segments) {
        out.too_deep = true;
        return out;
      }
      out.parts[out.count++] = path.substr(pos, end - pos);
    }
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return out;
}

}  // namespace

std::string_view route_params::get(std::string_view name) const {
  for (const auto& [key, value] : values_) {
    if (key == name) return value;
  }
  return {};
}

bool route_params::contains(std::string_view name) const {
  for (const auto& entry : values_) {
    if (entry.first == name) return true;
  }
  return false;
}

void route_params::add(std::string name, std::string value) {
  values_.emplace_back(std::move(name), std::move(value));
}

void router::add(std::string method, std::string_view pattern, route_handler fn) {
  auto parts = split(pattern);
  if (parts.too_deep) throw std::invalid_argument("route pattern too deep: " + std::string(pattern));
  route r{std::move(method), std::string(pattern), {}, 0, std::move(fn)};
  for (std::size_t i = 0; i < parts.count; ++i) {
    auto part = parts.parts[i];
    bool is_param = part.size() >= 2 && part.front() == '{' && part.back() == '}';
    if (is_param) {
      r.segments.push_back({std::string(part.substr(1, part.size() - 2)), true});
    } else {
      r.segments.push_back({std::string(part), false});
      r.literal_mask |= std::uint64_t{1} << (max_segments - 1 - i);
    }
  }
  routes_.push_back(std::move(r));
}

route_match router::match(std::string_view method, std::string_view path) const {
  route_match out;
  auto parts = split(path);
  if (parts.too_deep) return out;

  auto shape_matches = [&](const route& r) {
    if (r.segments.size() != parts.count) return false;
    for (std::size_t i = 0; i < parts.count; ++i) {
      if (!r.segments[i].is_param && r.segments[i].text != parts.parts[i]) return false;
    }
    return true;
  };

  const route* best = nullptr;
  const route* best_get = nullptr;  // for HEAD without a HEAD route
  for (const auto& r : routes_) {
    if (!shape_matches(r)) continue;
    if (r.method == method && (!best || r.literal_mask > best->literal_mask)) best = &r;
    if (r.method == "GET" && (!best_get || r.literal_mask > best_get->literal_mask)) best_get = &r;
  }
  if (!best && method == "HEAD") best = best_get;

  if (!best) {
    // The slow path collects the methods for Allow; the hot path allocates nothing.
    std::vector<std::string_view> methods;
    for (const auto& r : routes_) {
      if (shape_matches(r) && std::find(methods.begin(), methods.end(), r.method) == methods.end()) {
        methods.push_back(r.method);
      }
    }
    if (methods.empty()) return out;
    out.result = route_match::outcome::method_not_allowed;
    bool has_get = std::find(methods.begin(), methods.end(), "GET") != methods.end();
    bool has_head = std::find(methods.begin(), methods.end(), "HEAD") != methods.end();
    if (has_get && !has_head) methods.emplace_back("HEAD");
    for (auto m : methods) {
      if (!out.allow.empty()) out.allow += ", ";
      out.allow += m;
    }
    return out;
  }

  out.result = route_match::outcome::found;
  out.handler = &best->fn;
  out.pattern = best->pattern;
  for (std::size_t i = 0; i < parts.count; ++i) {
    if (best->segments[i].is_param) out.params.add(best->segments[i].text, std::string(parts.parts[i]));
  }
  return out;
}

void router::dispatch(request req, responder respond) const {
  auto m = match(req.method, req.path);
  dispatch(std::move(m), std::move(req), std::move(respond));
}

void router::dispatch(route_match m, request req, responder respond) const {
  switch (m.result) {
    case route_match::outcome::found:
      (*m.handler)(std::move(req), std::move(m.params), std::move(respond));
      return;
    case route_match::outcome::method_not_allowed: {
      auto res = problem(problem_type::method_not_allowed, req.method + " is not allowed on " + req.path,
                         {{"allow", m.allow}});
      res.headers.emplace_back("Allow", m.allow);
      respond(std::move(res));
      return;
    }
    case route_match::outcome::not_found:
      respond(problem(problem_type::not_found, "no resource at " + req.path));
      return;
  }
}

}  // namespace http
