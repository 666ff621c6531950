// api/identity.h — passwords (scrypt, salted) and bearer tokens (random,
// stored as SHA-256), kept in a sealed store of their own: secrets are not
// acts and never enter the log.
//
// Logins are throttled (docs/API.md, "Logins"):
//   - per person and address: after `failures_per_minute` failures within a
//     minute, that address's further attempts for that person get 429 until
//     the oldest failure is a minute old;
//   - per address: after 4 x that many failures within a minute, for anyone;
//   - per person, from anywhere: no lock but a growing delay: once the person
//     has had `failures_per_minute` failures within 15 minutes, an attempt
//     sooner than 2^(k - limit) s (at most 60 s) after the last failure gets
//     429 (k: the failures counted). Someone guessing from elsewhere delays
//     the right person by seconds, never locks them out.
//   - An attempt counts before its hash is computed (attempts in flight count
//     as failures until they succeed), and at most `hashing_slots` scrypt
//     computations (32 MiB each at cost 15) run at once; an attempt that finds
//     no free slot within 2 s gets 429 with Retry-After 1.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <vector>

#include "domain/base/result.h"
#include "domain/base/time.h"
#include "eventstore/view_store.h"

namespace ecab::api {

// The scrypt costs (N = 2^cost, r = 8, p = 1) the node accepts: at 17 a hash
// needs 128 MiB, the most OpenSSL's cap of 256 MiB lets through.
inline constexpr int kMinPasswordCost = 10;
inline constexpr int kMaxPasswordCost = 17;

struct IdentityOptions {
  int cost = 15;
  std::chrono::seconds lifetime{8 * 3600};
  int failures_per_minute = 5;
  int hashing_slots = 2;
};

class Identity {
 public:
  // kInvalidArgument when the cost is outside [kMinPasswordCost,
  // kMaxPasswordCost] or a trial hash at that cost fails.
  static Result<std::unique_ptr<Identity>> Open(const std::filesystem::path& dir,
                                                std::shared_ptr<const es::KeyRing> keys,
                                                IdentityOptions options);

  // Sets `person`'s password and revokes every token they hold (a reset ends
  // the sessions of whoever knew the old one).
  Status SetPassword(const std::string& person, const std::string& password);
  // A consistent copy of the credentials in the new directory `dir` (backups).
  Status Checkpoint(const std::filesystem::path& dir) const { return store_->Checkpoint(dir); }

  struct Issued {
    std::string token;
    Timestamp expires_at;
  };
  // A new token for `person` when `password` matches; kForbidden otherwise;
  // kRuleViolation when throttled (above), with `*retry_after` set.
  Result<Issued> Login(const std::string& person, const std::string& password,
                       const std::string& client, std::chrono::seconds* retry_after);
  Result<Issued> IssueToken(const std::string& person);
  // The person a token stands for, if valid and not expired or revoked.
  Result<std::string> Resolve(const std::string& token, std::string* token_hash);
  Status Revoke(const std::string& token_hash);

  // scrypt computations so far (logins and password changes).
  std::uint64_t hashes_computed() const;

 private:
  explicit Identity(IdentityOptions options)
      : options_(options), slots_(std::max(1, options.hashing_slots)) {}
  Result<std::string> Hash(const std::string& password, const std::string& salt, int cost);
  struct Attempts {
    std::vector<std::chrono::steady_clock::time_point> failures;  // oldest first
    int in_flight = 0;
  };
  // Under mu_: failures of `key` younger than `window` (older ones dropped).
  Attempts& Recent(const std::string& key, std::chrono::seconds window);

  IdentityOptions options_;
  std::unique_ptr<es::ViewStore> store_;
  std::counting_semaphore<64> slots_;
  mutable std::mutex mu_;
  std::map<std::string, Attempts>
      attempts_;  // "pa:<person> <address>", "a:<address>", "p:<person>"
  std::map<std::string, std::pair<std::string, Timestamp>>
      tokens_;  // SHA-256 -> (person, expiry): a cache
  std::uint64_t hashes_ = 0;
};

}  // namespace ecab::api
