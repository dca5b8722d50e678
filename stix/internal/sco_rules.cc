// Rule tables for the 18 STIX 2.1 Cyber-observable Objects and their predefined extensions,
// plus the SCO value formats the spec fixes (IPv4/IPv6, MAC-48) and cross-property MUSTs.
#include <arpa/inet.h>

#include <string>

#include "stix/internal/rules.h"

namespace tansiq::stix::internal {
namespace json = boost::json;

namespace {

constexpr PropSpec kArtifact[] = {
    {.name = "mime_type", .kind = Kind::kString},
    {.name = "payload_bin", .kind = Kind::kBinary},
    {.name = "url", .kind = Kind::kString},
    {.name = "hashes", .kind = Kind::kHashes},
    {.name = "encryption_algorithm",
     .kind = Kind::kEnum,
     .arg = "AES-256-GCM|ChaCha20-Poly1305|mime-type-indicated"},
    {.name = "decryption_key", .kind = Kind::kString},
};

constexpr PropSpec kAutonomousSystem[] = {
    {.name = "number", .kind = Kind::kInteger, .required = true, .min = 0},
    {.name = "name", .kind = Kind::kString},
    {.name = "rir", .kind = Kind::kString},
};

constexpr PropSpec kDirectory[] = {
    {.name = "path", .kind = Kind::kString, .required = true},
    {.name = "path_enc", .kind = Kind::kString},
    {.name = "ctime", .kind = Kind::kTimestamp},
    {.name = "mtime", .kind = Kind::kTimestamp},
    {.name = "atime", .kind = Kind::kTimestamp},
    {.name = "contains_refs", .kind = Kind::kIdentifierList, .arg = "file|directory"},
};

constexpr PropSpec kDomainName[] = {
    {.name = "value", .kind = Kind::kNonEmptyString, .required = true},
    {.name = "resolves_to_refs",
     .kind = Kind::kIdentifierList,
     .arg = "ipv4-addr|ipv6-addr|domain-name"},
};

constexpr PropSpec kEmailAddr[] = {
    {.name = "value", .kind = Kind::kNonEmptyString, .required = true},
    {.name = "display_name", .kind = Kind::kString},
    {.name = "belongs_to_ref", .kind = Kind::kIdentifier, .arg = "user-account"},
};

constexpr PropSpec kEmailMessage[] = {
    {.name = "is_multipart", .kind = Kind::kBool, .required = true},
    {.name = "date", .kind = Kind::kTimestamp},
    {.name = "content_type", .kind = Kind::kString},
    {.name = "from_ref", .kind = Kind::kIdentifier, .arg = "email-addr"},
    {.name = "sender_ref", .kind = Kind::kIdentifier, .arg = "email-addr"},
    {.name = "to_refs", .kind = Kind::kIdentifierList, .arg = "email-addr"},
    {.name = "cc_refs", .kind = Kind::kIdentifierList, .arg = "email-addr"},
    {.name = "bcc_refs", .kind = Kind::kIdentifierList, .arg = "email-addr"},
    {.name = "message_id", .kind = Kind::kString},
    {.name = "subject", .kind = Kind::kString},
    {.name = "received_lines", .kind = Kind::kStringListOrEmpty},
    {.name = "additional_header_fields", .kind = Kind::kDictionary},
    {.name = "body", .kind = Kind::kString},
    {.name = "body_multipart", .kind = Kind::kObjectList},
    {.name = "raw_email_ref", .kind = Kind::kIdentifier, .arg = "artifact"},
};

constexpr PropSpec kFile[] = {
    {.name = "hashes", .kind = Kind::kHashes},
    {.name = "size", .kind = Kind::kInteger, .min = 0},
    {.name = "name", .kind = Kind::kString},
    {.name = "name_enc", .kind = Kind::kString},
    {.name = "magic_number_hex", .kind = Kind::kHex},
    {.name = "mime_type", .kind = Kind::kString},
    {.name = "ctime", .kind = Kind::kTimestamp},
    {.name = "mtime", .kind = Kind::kTimestamp},
    {.name = "atime", .kind = Kind::kTimestamp},
    {.name = "parent_directory_ref", .kind = Kind::kIdentifier, .arg = "directory"},
    {.name = "contains_refs", .kind = Kind::kIdentifierList},
    {.name = "content_ref", .kind = Kind::kIdentifier, .arg = "artifact"},
};

constexpr PropSpec kIpAddr[] = {
    {.name = "value", .kind = Kind::kNonEmptyString, .required = true},
    {.name = "resolves_to_refs", .kind = Kind::kIdentifierList, .arg = "mac-addr"},
    {.name = "belongs_to_refs", .kind = Kind::kIdentifierList, .arg = "autonomous-system"},
};

constexpr PropSpec kMacAddr[] = {
    {.name = "value", .kind = Kind::kNonEmptyString, .required = true},
};

constexpr PropSpec kMutex[] = {
    {.name = "name", .kind = Kind::kNonEmptyString, .required = true},
};

constexpr PropSpec kNetworkTraffic[] = {
    {.name = "start", .kind = Kind::kTimestamp},
    {.name = "end", .kind = Kind::kTimestamp},
    {.name = "is_active", .kind = Kind::kBool},
    {.name = "src_ref",
     .kind = Kind::kIdentifier,
     .arg = "ipv4-addr|ipv6-addr|mac-addr|domain-name"},
    {.name = "dst_ref",
     .kind = Kind::kIdentifier,
     .arg = "ipv4-addr|ipv6-addr|mac-addr|domain-name"},
    {.name = "src_port", .kind = Kind::kInteger, .min = 0, .max = 65535},
    {.name = "dst_port", .kind = Kind::kInteger, .min = 0, .max = 65535},
    {.name = "protocols", .kind = Kind::kStringList, .required = true},
    {.name = "src_byte_count", .kind = Kind::kInteger, .min = 0},
    {.name = "dst_byte_count", .kind = Kind::kInteger, .min = 0},
    {.name = "src_packets", .kind = Kind::kInteger, .min = 0},
    {.name = "dst_packets", .kind = Kind::kInteger, .min = 0},
    {.name = "ipfix", .kind = Kind::kDictionary},
    {.name = "src_payload_ref", .kind = Kind::kIdentifier, .arg = "artifact"},
    {.name = "dst_payload_ref", .kind = Kind::kIdentifier, .arg = "artifact"},
    {.name = "encapsulates_refs", .kind = Kind::kIdentifierList, .arg = "network-traffic"},
    {.name = "encapsulated_by_ref", .kind = Kind::kIdentifier, .arg = "network-traffic"},
};

constexpr PropSpec kProcess[] = {
    {.name = "is_hidden", .kind = Kind::kBool},
    {.name = "pid", .kind = Kind::kInteger},
    {.name = "created_time", .kind = Kind::kTimestamp},
    {.name = "cwd", .kind = Kind::kString},
    {.name = "command_line", .kind = Kind::kString},
    {.name = "environment_variables", .kind = Kind::kDictionary},
    {.name = "opened_connection_refs", .kind = Kind::kIdentifierList, .arg = "network-traffic"},
    {.name = "creator_user_ref", .kind = Kind::kIdentifier, .arg = "user-account"},
    {.name = "image_ref", .kind = Kind::kIdentifier, .arg = "file"},
    {.name = "parent_ref", .kind = Kind::kIdentifier, .arg = "process"},
    {.name = "child_refs", .kind = Kind::kIdentifierList, .arg = "process"},
};

constexpr PropSpec kSoftware[] = {
    {.name = "name", .kind = Kind::kNonEmptyString, .required = true},
    {.name = "cpe", .kind = Kind::kString},
    {.name = "swid", .kind = Kind::kString},
    {.name = "languages", .kind = Kind::kStringList},
    {.name = "vendor", .kind = Kind::kString},
    {.name = "version", .kind = Kind::kString},
};

constexpr PropSpec kUrl[] = {
    {.name = "value", .kind = Kind::kNonEmptyString, .required = true},
};

constexpr PropSpec kUserAccount[] = {
    {.name = "user_id", .kind = Kind::kString},
    {.name = "credential", .kind = Kind::kString},
    {.name = "account_login", .kind = Kind::kString},
    {.name = "account_type", .kind = Kind::kString},
    {.name = "display_name", .kind = Kind::kString},
    {.name = "is_service_account", .kind = Kind::kBool},
    {.name = "is_privileged", .kind = Kind::kBool},
    {.name = "can_escalate_privs", .kind = Kind::kBool},
    {.name = "is_disabled", .kind = Kind::kBool},
    {.name = "account_created", .kind = Kind::kTimestamp},
    {.name = "account_expires", .kind = Kind::kTimestamp},
    {.name = "credential_last_changed", .kind = Kind::kTimestamp},
    {.name = "account_first_login", .kind = Kind::kTimestamp},
    {.name = "account_last_login", .kind = Kind::kTimestamp},
};

constexpr PropSpec kWindowsRegistryKey[] = {
    {.name = "key", .kind = Kind::kString},
    {.name = "values", .kind = Kind::kObjectList},
    {.name = "modified_time", .kind = Kind::kTimestamp},
    {.name = "creator_user_ref", .kind = Kind::kIdentifier, .arg = "user-account"},
    {.name = "number_of_subkeys", .kind = Kind::kInteger, .min = 0},
};

constexpr PropSpec kX509Certificate[] = {
    {.name = "is_self_signed", .kind = Kind::kBool},
    {.name = "hashes", .kind = Kind::kHashes},
    {.name = "version", .kind = Kind::kString},
    {.name = "serial_number", .kind = Kind::kString},
    {.name = "signature_algorithm", .kind = Kind::kString},
    {.name = "issuer", .kind = Kind::kString},
    {.name = "validity_not_before", .kind = Kind::kTimestamp},
    {.name = "validity_not_after", .kind = Kind::kTimestamp},
    {.name = "subject", .kind = Kind::kString},
    {.name = "subject_public_key_algorithm", .kind = Kind::kString},
    {.name = "subject_public_key_modulus", .kind = Kind::kString},
    {.name = "subject_public_key_exponent", .kind = Kind::kInteger},
    {.name = "x509_v3_extensions", .kind = Kind::kDictionary},
};

// Predefined extensions (STIX 2.1 §6): required properties and value kinds.
constexpr PropSpec kArchiveExt[] = {
    {.name = "contains_refs", .kind = Kind::kIdentifierList, .required = true},
    {.name = "comment", .kind = Kind::kString},
};
constexpr PropSpec kNtfsExt[] = {
    {.name = "sid", .kind = Kind::kString},
    {.name = "alternate_data_streams", .kind = Kind::kObjectList},
};
constexpr PropSpec kPdfExt[] = {
    {.name = "version", .kind = Kind::kString},
    {.name = "is_optimized", .kind = Kind::kBool},
    {.name = "document_info_dict", .kind = Kind::kDictionary},
    {.name = "pdfid0", .kind = Kind::kString},
    {.name = "pdfid1", .kind = Kind::kString},
};
constexpr PropSpec kRasterImageExt[] = {
    {.name = "image_height", .kind = Kind::kInteger},
    {.name = "image_width", .kind = Kind::kInteger},
    {.name = "bits_per_pixel", .kind = Kind::kInteger},
    {.name = "exif_tags", .kind = Kind::kDictionary},
};
constexpr PropSpec kWindowsPeBinaryExt[] = {
    {.name = "pe_type", .kind = Kind::kNonEmptyString, .required = true},
    {.name = "imphash", .kind = Kind::kString},
    {.name = "machine_hex", .kind = Kind::kHex},
    {.name = "number_of_sections", .kind = Kind::kInteger, .min = 0},
    {.name = "time_date_stamp", .kind = Kind::kTimestamp},
    {.name = "pointer_to_symbol_table_hex", .kind = Kind::kHex},
    {.name = "number_of_symbols", .kind = Kind::kInteger, .min = 0},
    {.name = "size_of_optional_header", .kind = Kind::kInteger, .min = 0},
    {.name = "characteristics_hex", .kind = Kind::kHex},
    {.name = "file_header_hashes", .kind = Kind::kHashes},
    {.name = "optional_header", .kind = Kind::kDictionary},
    {.name = "sections", .kind = Kind::kObjectList},
};
constexpr PropSpec kHttpRequestExt[] = {
    {.name = "request_method", .kind = Kind::kNonEmptyString, .required = true},
    {.name = "request_value", .kind = Kind::kNonEmptyString, .required = true},
    {.name = "request_version", .kind = Kind::kString},
    {.name = "request_header", .kind = Kind::kDictionary},
    {.name = "message_body_length", .kind = Kind::kInteger, .min = 0},
    {.name = "message_body_data_ref", .kind = Kind::kIdentifier, .arg = "artifact"},
};
constexpr PropSpec kIcmpExt[] = {
    {.name = "icmp_type_hex", .kind = Kind::kHex, .required = true},
    {.name = "icmp_code_hex", .kind = Kind::kHex, .required = true},
};
constexpr PropSpec kSocketExt[] = {
    {.name = "address_family",
     .kind = Kind::kEnum,
     .required = true,
     .arg = "AF_UNSPEC|AF_INET|AF_IPX|AF_APPLETALK|AF_NETBIOS|AF_INET6|AF_IRDA|AF_BTH"},
    {.name = "is_blocking", .kind = Kind::kBool},
    {.name = "is_listening", .kind = Kind::kBool},
    {.name = "options", .kind = Kind::kDictionary},
    {.name = "socket_type",
     .kind = Kind::kEnum,
     .arg = "SOCK_STREAM|SOCK_DGRAM|SOCK_RAW|SOCK_RDM|SOCK_SEQPACKET"},
    {.name = "socket_descriptor", .kind = Kind::kInteger, .min = 0},
    {.name = "socket_handle", .kind = Kind::kInteger},
};
constexpr PropSpec kTcpExt[] = {
    {.name = "src_flags_hex", .kind = Kind::kHex},
    {.name = "dst_flags_hex", .kind = Kind::kHex},
};
constexpr PropSpec kUnixAccountExt[] = {
    {.name = "gid", .kind = Kind::kInteger},
    {.name = "groups", .kind = Kind::kStringList},
    {.name = "home_dir", .kind = Kind::kString},
    {.name = "shell", .kind = Kind::kString},
};
constexpr PropSpec kWindowsProcessExt[] = {
    {.name = "aslr_enabled", .kind = Kind::kBool},
    {.name = "dep_enabled", .kind = Kind::kBool},
    {.name = "priority", .kind = Kind::kString},
    {.name = "owner_sid", .kind = Kind::kString},
    {.name = "window_title", .kind = Kind::kString},
    {.name = "startup_info", .kind = Kind::kDictionary},
    {.name = "integrity_level", .kind = Kind::kEnum, .arg = "low|medium|high|system"},
};
constexpr PropSpec kWindowsServiceExt[] = {
    {.name = "service_name", .kind = Kind::kString},
    {.name = "descriptions", .kind = Kind::kStringList},
    {.name = "display_name", .kind = Kind::kString},
    {.name = "group_name", .kind = Kind::kString},
    {.name = "start_type",
     .kind = Kind::kEnum,
     .arg = "SERVICE_AUTO_START|SERVICE_BOOT_START|SERVICE_DEMAND_START|SERVICE_DISABLED|"
            "SERVICE_SYSTEM_ALERT"},
    {.name = "service_dll_refs", .kind = Kind::kIdentifierList, .arg = "file"},
    {.name = "service_type",
     .kind = Kind::kEnum,
     .arg = "SERVICE_KERNEL_DRIVER|SERVICE_FILE_SYSTEM_DRIVER|SERVICE_WIN32_OWN_PROCESS|"
            "SERVICE_WIN32_SHARE_PROCESS"},
    {.name = "service_status",
     .kind = Kind::kEnum,
     .arg = "SERVICE_CONTINUE_PENDING|SERVICE_PAUSE_PENDING|SERVICE_PAUSED|SERVICE_RUNNING|"
            "SERVICE_START_PENDING|SERVICE_STOP_PENDING|SERVICE_STOPPED"},
};

constexpr ExtensionRule kExtensions[] = {
    {"archive-ext", kArchiveExt},
    {"ntfs-ext", kNtfsExt, true},
    {"pdf-ext", kPdfExt, true},
    {"raster-image-ext", kRasterImageExt, true},
    {"windows-pebinary-ext", kWindowsPeBinaryExt},
    {"http-request-ext", kHttpRequestExt},
    {"icmp-ext", kIcmpExt},
    {"socket-ext", kSocketExt},
    {"tcp-ext", kTcpExt, true},
    {"unix-account-ext", kUnixAccountExt, true},
    {"windows-process-ext", kWindowsProcessExt, true},
    {"windows-service-ext", kWindowsServiceExt, true},
};

// An address, optionally followed by "/prefix" (CIDR) of at most `max_prefix` bits.
bool IsIpAddress(std::string_view value, int family, int max_prefix) {
  const size_t slash = value.find('/');
  if (slash != std::string_view::npos) {
    const std::string_view prefix = value.substr(slash + 1);
    if (prefix.empty() || prefix.size() > 3) return false;
    int bits = 0;
    for (char c : prefix) {
      if (c < '0' || c > '9') return false;
      bits = bits * 10 + (c - '0');
    }
    if (bits > max_prefix) return false;
    value = value.substr(0, slash);
  }
  if (value.empty() || value.size() > 45) return false;
  char buf[48];
  value.copy(buf, value.size());
  buf[value.size()] = '\0';
  unsigned char out[16];
  return inet_pton(family, buf, out) == 1;
}

std::string_view ValueOf(const json::object& o) {
  const json::value* v = o.if_contains("value");
  const json::string* s = v != nullptr ? v->if_string() : nullptr;
  return s != nullptr ? std::string_view(*s) : std::string_view();
}

Status Ipv4Extra(const Ctx& ctx, const json::object& o) {
  if (!IsIpAddress(ValueOf(o), AF_INET, 32)) {
    return ctx.Error("value", "must be an IPv4 address or CIDR block");
  }
  return Status::Ok();
}

Status Ipv6Extra(const Ctx& ctx, const json::object& o) {
  if (!IsIpAddress(ValueOf(o), AF_INET6, 128)) {
    return ctx.Error("value", "must be an IPv6 address or CIDR block");
  }
  return Status::Ok();
}

Status MacExtra(const Ctx& ctx, const json::object& o) {
  const std::string_view v = ValueOf(o);
  bool ok = v.size() == 17;
  for (size_t i = 0; ok && i < v.size(); ++i) {
    const char c = v[i];
    ok = i % 3 == 2 ? c == ':' : ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  }
  if (!ok) return ctx.Error("value", "must be a lowercase colon-delimited MAC-48 address");
  return Status::Ok();
}

Status ArtifactExtra(const Ctx& ctx, const json::object& o) {
  const bool payload = o.contains("payload_bin");
  const bool url = o.contains("url");
  if (payload && url) return ctx.Error("url", "must not be present with payload_bin");
  if (url && !o.contains("hashes")) return ctx.Error("hashes", "is required when url is present");
  if (o.contains("decryption_key") && !o.contains("encryption_algorithm")) {
    return ctx.Error("decryption_key", "requires encryption_algorithm");
  }
  return Status::Ok();
}

Status EmailMessageExtra(const Ctx& ctx, const json::object& o) {
  const json::value* flag = o.if_contains("is_multipart");
  const bool multipart = flag != nullptr && flag->is_bool() && flag->get_bool();
  if (multipart && o.contains("body")) {
    return ctx.Error("body", "must not be present when is_multipart is true");
  }
  if (!multipart && o.contains("body_multipart")) {
    return ctx.Error("body_multipart", "must not be present when is_multipart is false");
  }
  if (const json::value* parts = o.if_contains("body_multipart")) {
    for (const json::value& part : parts->get_array()) {
      const json::object& p = part.get_object();
      if (p.contains("body") == p.contains("body_raw_ref")) {
        return ctx.Error("body_multipart", "entries need exactly one of body, body_raw_ref");
      }
    }
  }
  return Status::Ok();
}

Status FileExtra(const Ctx& ctx, const json::object& o) {
  if (!o.contains("hashes") && !o.contains("name")) return ctx.Error("needs 'hashes' or 'name'");
  return Status::Ok();
}

Status NetworkTrafficExtra(const Ctx& ctx, const json::object& o) {
  if (!o.contains("src_ref") && !o.contains("dst_ref")) {
    return ctx.Error("needs 'src_ref' or 'dst_ref'");
  }
  const json::value* active = o.if_contains("is_active");
  if (active != nullptr && active->is_bool() && active->get_bool() && o.contains("end")) {
    return ctx.Error("end", "must not be present when is_active is true");
  }
  return CheckOrder(ctx, o, "start", "end", false);
}

Status WindowsRegistryKeyExtra(const Ctx& ctx, const json::object& o) {
  // The hive MUST be spelled out: HKEY_LOCAL_MACHINE, not HKLM.
  if (const json::value* key = o.if_contains("key"); key != nullptr && key->is_string()) {
    std::string_view k = key->get_string();
    for (std::string_view abbrev : {"hklm", "hkcc", "hkcr", "hkcu", "hku"}) {
      if (k.size() < abbrev.size()) continue;
      bool same = true;
      for (size_t i = 0; i < abbrev.size() && same; ++i) {
        same = (k[i] | 0x20) == abbrev[i];
      }
      if (same && (k.size() == abbrev.size() || k[abbrev.size()] == '\\')) {
        return ctx.Error("key", "must spell out the hive (HKEY_LOCAL_MACHINE, not HKLM)");
      }
    }
  }
  static constexpr PropSpec kValue[] = {
      {.name = "name", .kind = Kind::kString},
      {.name = "data", .kind = Kind::kString},
      {.name = "data_type",
       .kind = Kind::kEnum,
       .arg = "REG_NONE|REG_SZ|REG_EXPAND_SZ|REG_BINARY|REG_DWORD|REG_DWORD_BIG_ENDIAN|"
              "REG_DWORD_LITTLE_ENDIAN|REG_LINK|REG_MULTI_SZ|REG_RESOURCE_LIST|"
              "REG_FULL_RESOURCE_DESCRIPTION|REG_RESOURCE_REQUIREMENTS_LIST|REG_QWORD|"
              "REG_INVALID_TYPE"},
  };
  if (const json::value* values = o.if_contains("values")) {
    for (const json::value& v : values->get_array()) {
      TANSIQ_RETURN_IF_ERROR(CheckProps(ctx, kValue, v.get_object(), "values"));
      if (!HasAnyProp(kValue, v.get_object())) {
        return ctx.Error("values", "entries need name, data or data_type");
      }
    }
  }
  return Status::Ok();
}

constexpr TypeRule kRules[] = {
    {"artifact", Category::kCyberObservable, kArtifact, ArtifactExtra},
    {"autonomous-system", Category::kCyberObservable, kAutonomousSystem},
    {"directory", Category::kCyberObservable, kDirectory},
    {"domain-name", Category::kCyberObservable, kDomainName},
    {"email-addr", Category::kCyberObservable, kEmailAddr},
    {"email-message", Category::kCyberObservable, kEmailMessage, EmailMessageExtra},
    {"file", Category::kCyberObservable, kFile, FileExtra},
    {"ipv4-addr", Category::kCyberObservable, kIpAddr, Ipv4Extra},
    {"ipv6-addr", Category::kCyberObservable, kIpAddr, Ipv6Extra},
    {"mac-addr", Category::kCyberObservable, kMacAddr, MacExtra},
    {"mutex", Category::kCyberObservable, kMutex},
    {"network-traffic", Category::kCyberObservable, kNetworkTraffic, NetworkTrafficExtra},
    {"process", Category::kCyberObservable, kProcess, nullptr, true},
    {"software", Category::kCyberObservable, kSoftware},
    {"url", Category::kCyberObservable, kUrl},
    {"user-account", Category::kCyberObservable, kUserAccount, nullptr, true},
    {"windows-registry-key", Category::kCyberObservable, kWindowsRegistryKey,
     WindowsRegistryKeyExtra, true},
    {"x509-certificate", Category::kCyberObservable, kX509Certificate, nullptr, true},
};

}  // namespace

std::span<const TypeRule> CyberObservableRules() { return kRules; }
std::span<const ExtensionRule> PredefinedExtensions() { return kExtensions; }

}  // namespace tansiq::stix::internal
