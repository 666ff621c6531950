#include "api/identity.h"

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/command/command_service.h"
#include "api/random.h"
#include "eventstore/clock.h"
#include "eventstore/record.h"

namespace ecab::api {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kMinute{60};
constexpr std::chrono::seconds kPersonWindow{15 * 60};
constexpr std::chrono::seconds kMaxPersonDelay{60};
constexpr std::chrono::seconds kSlotWait{2};

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

Result<std::string> Scrypt(const std::string& password, const std::string& salt, int cost) {
  std::string out(32, '\0');
  const std::uint64_t n = 1ull << cost;
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), n, 8, 1,
                     256ull * 1024 * 1024, reinterpret_cast<unsigned char*>(out.data()),
                     out.size()) != 1) {
    return MakeError(ErrorCode::kIoError, "scrypt failed at cost " + std::to_string(cost));
  }
  return out;
}

std::chrono::seconds Ceil(Clock::duration d) {
  return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(d));
}

}  // namespace

Result<std::unique_ptr<Identity>> Identity::Open(const std::filesystem::path& dir,
                                                 std::shared_ptr<const es::KeyRing> keys,
                                                 IdentityOptions options) {
  if (options.cost < kMinPasswordCost || options.cost > kMaxPasswordCost) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the password cost must be " + std::to_string(kMinPasswordCost) + ".." +
                         std::to_string(kMaxPasswordCost) + " (scrypt N = 2^cost)");
  }
  options.hashing_slots = std::clamp(options.hashing_slots, 1, 64);
  // One trial hash: a cost this machine cannot compute is refused at start,
  // not at the first login.
  if (auto trial = Scrypt("trial", "trial-salt-16byt", options.cost); !trial.ok()) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "the password cost " + std::to_string(options.cost) +
                         " cannot be computed here: " + trial.error().message);
  }
  std::unique_ptr<Identity> id(new Identity(options));
  ECAB_TRY_LET(store, es::ViewStore::Open(dir, std::move(keys)));
  id->store_ = std::move(store).value();
  return id;
}

Result<std::string> Identity::Hash(const std::string& password, const std::string& salt, int cost) {
  {
    std::lock_guard g(mu_);
    ++hashes_;
  }
  return Scrypt(password, salt, cost);
}

std::uint64_t Identity::hashes_computed() const {
  std::lock_guard g(mu_);
  return hashes_;
}

Status Identity::SetPassword(const std::string& person, const std::string& password) {
  if (password.size() < 8)
    return MakeError(ErrorCode::kInvalidArgument, "a password has at least 8 characters");
  if (password.size() > 1024)
    return MakeError(ErrorCode::kInvalidArgument, "a password has at most 1024 bytes");
  const std::string salt = RandomBytes(16);
  slots_.acquire();
  auto hash = Hash(password, salt, options_.cost);
  slots_.release();
  if (!hash.ok()) return hash.error();
  const nlohmann::json record = {
      {"kdf", "scrypt"}, {"log2_n", options_.cost}, {"r", 8},
      {"p", 1},          {"salt", es::ToHex(salt)}, {"hash", es::ToHex(*hash)}};
  es::ViewBatch batch;
  batch.Put("password/" + person, record.dump());
  // A new password ends every session of the old one: its tokens are revoked
  // in the same write.
  for (std::string after;;) {
    ECAB_TRY_LET(tokens, store_->Scan("token/", 1024, after));
    for (const auto& [key, value] : *tokens) {
      const auto holder = nlohmann::json::parse(value, nullptr, false);
      if (holder.is_object() && holder.value("person", "") == person) batch.Delete(key);
    }
    if (tokens->size() < 1024) break;
    after = tokens->back().first;
  }
  {
    std::lock_guard g(mu_);
    std::erase_if(tokens_, [&](const auto& entry) { return entry.second.first == person; });
  }
  return store_->Write(batch, /*sync=*/true);
}

Identity::Attempts& Identity::Recent(const std::string& key, std::chrono::seconds window) {
  if (attempts_.size() > 100'000) {  // bounded: forget the idle ones
    std::erase_if(attempts_, [&](const auto& entry) {
      return entry.second.in_flight == 0 &&
             (entry.second.failures.empty() ||
              entry.second.failures.back() < Clock::now() - kPersonWindow);
    });
  }
  Attempts& a = attempts_[key];
  const auto cutoff = Clock::now() - window;
  a.failures.erase(a.failures.begin(), std::find_if(a.failures.begin(), a.failures.end(),
                                                    [&](auto t) { return t >= cutoff; }));
  return a;
}

Result<Identity::Issued> Identity::Login(const std::string& person, const std::string& password,
                                         const std::string& client,
                                         std::chrono::seconds* retry_after) {
  const std::string pair_key = "pa:" + person + " " + client, client_key = "a:" + client,
                    person_key = "p:" + person;
  const int limit = options_.failures_per_minute;
  auto throttled = [&](std::chrono::seconds wait, const std::string& why) {
    *retry_after = wait;
    return MakeError(ErrorCode::kRuleViolation,
                     why + "; retry in " + std::to_string(wait.count()) + " s");
  };
  {
    std::lock_guard g(mu_);
    const auto now = Clock::now();
    Attempts& pair = Recent(pair_key, kMinute);
    if (static_cast<int>(pair.failures.size()) + pair.in_flight >= limit) {
      const auto wait = pair.failures.empty() ? std::chrono::seconds(1)
                                              : Ceil(pair.failures.front() + kMinute - now);
      return throttled(wait, "too many failed logins for this person from this address");
    }
    Attempts& from = Recent(client_key, kMinute);
    if (static_cast<int>(from.failures.size()) + from.in_flight >= 4 * limit) {
      const auto wait = from.failures.empty() ? std::chrono::seconds(1)
                                              : Ceil(from.failures.front() + kMinute - now);
      return throttled(wait, "too many failed logins from this address");
    }
    Attempts& of = Recent(person_key, kPersonWindow);
    const int counted = static_cast<int>(of.failures.size()) + of.in_flight;
    if (counted >= limit) {
      const auto delay = std::min<std::chrono::seconds>(
          kMaxPersonDelay, std::chrono::seconds(1LL << std::min(counted - limit, 6)));
      const auto since = of.failures.empty() ? Clock::duration::max() : now - of.failures.back();
      if (of.in_flight > 0 || since < delay) {
        return throttled(of.in_flight > 0 ? std::chrono::seconds(1) : Ceil(delay - since),
                         "logins for this person are slowed after failed attempts");
      }
    }
    ++pair.in_flight;
    ++from.in_flight;
    ++of.in_flight;
  }
  enum class Outcome { kNotChecked, kFailed, kSucceeded };
  auto settle = [&](Outcome outcome) {
    std::lock_guard g(mu_);
    const auto now = Clock::now();
    for (const auto* key : {&pair_key, &client_key, &person_key}) {
      Attempts& a = attempts_[*key];
      --a.in_flight;
      if (outcome == Outcome::kFailed) a.failures.push_back(now);
    }
    if (outcome == Outcome::kSucceeded) {  // the right password ends the person's delay
      attempts_[pair_key].failures.clear();
      attempts_[person_key].failures.clear();
    }
  };
  if (!slots_.try_acquire_for(kSlotWait)) {
    settle(Outcome::kNotChecked);
    *retry_after = std::chrono::seconds(1);
    return MakeError(ErrorCode::kRuleViolation,
                     "too many logins are being checked at once; retry in 1 s");
  }
  bool match = false;
  Status checked = Ok{};
  auto stored = store_->Get("password/" + person);
  if (!stored.ok()) {
    checked = stored.error();
  } else if (stored->has_value()) {
    const auto record = nlohmann::json::parse(**stored, nullptr, false);
    if (!record.is_discarded()) {
      std::string salt;
      const std::string salt_hex = record.value("salt", "");
      for (std::size_t i = 0; i + 1 < salt_hex.size(); i += 2) {
        salt.push_back(static_cast<char>(std::stoi(salt_hex.substr(i, 2), nullptr, 16)));
      }
      auto hash = Hash(password, salt, record.value("log2_n", options_.cost));
      if (hash.ok()) {
        match = ConstantTimeEqual(es::ToHex(*hash), record.value("hash", ""));
      } else {
        checked = hash.error();
      }
    }
  } else {
    (void)Hash(password, "unknown-person!!", options_.cost);  // the same time for unknown people
  }
  slots_.release();
  settle(!checked.ok() ? Outcome::kNotChecked : match ? Outcome::kSucceeded : Outcome::kFailed);
  if (!checked.ok()) return checked.error();
  if (!match) return MakeError(ErrorCode::kForbidden, "unknown person or wrong password");
  return IssueToken(person);
}

Result<Identity::Issued> Identity::IssueToken(const std::string& person) {
  const std::string raw = RandomBytes(32);
  const std::string token = "ecab_" + es::ToHex(raw);
  const Timestamp expires =
      FromMicros(ToMicros(es::SystemClock().Now()) +
                 std::chrono::duration_cast<std::chrono::microseconds>(options_.lifetime).count());
  es::ViewBatch batch;
  batch.Put("token/" + Sha256Hex(token),
            nlohmann::json{{"person", person}, {"expires_at", FormatRfc3339(expires)}}.dump());
  ECAB_TRY(store_->Write(batch, /*sync=*/true));
  return Issued{token, expires};
}

Result<std::string> Identity::Resolve(const std::string& token, std::string* token_hash) {
  const std::string hash = Sha256Hex(token);
  {
    std::lock_guard g(mu_);
    if (auto it = tokens_.find(hash); it != tokens_.end()) {
      if (it->second.second < es::SystemClock().Now())
        return MakeError(ErrorCode::kForbidden, "the token has expired");
      *token_hash = hash;
      return it->second.first;
    }
  }
  ECAB_TRY_LET(stored, store_->Get("token/" + hash));
  if (!stored->has_value())
    return MakeError(ErrorCode::kForbidden, "the token is unknown or was revoked");
  const auto record = nlohmann::json::parse(**stored, nullptr, false);
  if (record.is_discarded())
    return MakeError(ErrorCode::kCorruption, "a stored token is unreadable");
  auto expires = ParseRfc3339(record.value("expires_at", ""));
  if (!expires.ok() || *expires < es::SystemClock().Now()) {
    return MakeError(ErrorCode::kForbidden, "the token has expired");
  }
  *token_hash = hash;
  std::lock_guard g(mu_);
  if (tokens_.size() > 100'000) tokens_.clear();
  tokens_[hash] = {record.value("person", ""), *expires};
  return record.value("person", "");
}

Status Identity::Revoke(const std::string& token_hash) {
  {
    std::lock_guard g(mu_);
    tokens_.erase(token_hash);
  }
  es::ViewBatch batch;
  batch.Delete("token/" + token_hash);
  return store_->Write(batch, /*sync=*/true);
}

}  // namespace ecab::api
