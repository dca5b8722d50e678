// `tansiq listen`: a terminal client of the push stream (/api/v1/stream).
#pragma once

#include <string>

namespace tansiq::cli {

struct ListenOptions {
  std::string url = "http://127.0.0.1:8080";  // the hub's base URL
  std::string user;                           // Basic auth (password from TANSIQ_PASSWORD)
  std::string password;
  std::string token;  // Bearer auth instead
  std::string ca_file;
  bool insecure_tls = false;  // do not verify the server certificate
  bool raw_json = false;      // print frames as received
  bool ack_all = false;       // acknowledge every message as it arrives
  bool commands = true;       // read "ack ID" / "read ID" / "quit" from stdin
};

// Runs until the server closes the stream or the user quits; the process exit code.
int Listen(const ListenOptions& options);

}  // namespace tansiq::cli
