#include "store/postgres/pg_backend.hpp"

#include "store/postgres/pg_connection.hpp"
#include "store/postgres/pg_fleet_link.hpp"
#include "store/postgres/pg_key_store.hpp"
#include "store/postgres/pg_run_store.hpp"
#include "store/postgres/pg_schema.hpp"

namespace reelstat::store::pg {
namespace {

class PgBackend final : public Backend {
 public:
  PgBackend(std::string url, std::filesystem::path data_dir)
      : url_(std::move(url)), data_dir_(std::move(data_dir)) {}

  const std::filesystem::path& data_dir() const override { return data_dir_; }
  bool shared() const override { return true; }
  std::unique_ptr<RunStore> open_runs(StoreAccess access) const override {
    return open_pg_run_store(url_, data_dir_, access);
  }
  std::unique_ptr<KeyStore> open_keys() const override { return open_pg_key_store(url_); }
  std::unique_ptr<FleetLink> connect_fleet(const std::string& application_name,
                                           int interrupt_fd) const override {
    return connect_pg_fleet_link(url_, application_name, interrupt_fd);
  }
  StoreInit init() const override {
    Connection connection(url_, "reelstat store init");
    StoreInit init;
    init.applied = migrate(connection);
    init.store = connection.describe();
    init.schema_version = store_schema_version();
    return init;
  }

 private:
  std::string url_;
  std::filesystem::path data_dir_;
};

}  // namespace

std::unique_ptr<Backend> open_pg_backend(const std::string& url, const std::filesystem::path& data_dir) {
  return std::make_unique<PgBackend>(url, data_dir);
}

}  // namespace reelstat::store::pg
