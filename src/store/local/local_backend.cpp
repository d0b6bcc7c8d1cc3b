#include "store/local/local_backend.hpp"

#include "store/data_dir.hpp"
#include "store/local/local_run_store.hpp"
#include "store/local/sqlite_key_store.hpp"

namespace reelstat::store::local {
namespace {

class LocalBackend final : public Backend {
 public:
  explicit LocalBackend(std::filesystem::path data_dir) : data_dir_(std::move(data_dir)) {}

  const std::filesystem::path& data_dir() const override { return data_dir_; }
  bool shared() const override { return false; }
  std::unique_ptr<RunStore> open_runs(StoreAccess access) const override {
    return open_local_run_store(data_dir_, access);
  }
  std::unique_ptr<KeyStore> open_keys() const override {
    return open_sqlite_key_store(DataDir(data_dir_).keys_path());
  }
  std::unique_ptr<FleetLink> connect_fleet(const std::string&, int) const override {
    throw Error("a data dir has no fleet to follow: name a shared store with --store");
  }
  StoreInit init() const override {
    throw Error("store init is for a shared PostgreSQL store: name it with --store or REELSTAT_STORE");
  }

 private:
  std::filesystem::path data_dir_;
};

}  // namespace

std::unique_ptr<Backend> open_local_backend(const std::filesystem::path& data_dir) {
  return std::make_unique<LocalBackend>(data_dir);
}

}  // namespace reelstat::store::local
