// The readers of the tenant format's sections (SPEC 2). Each takes a node of the YAML tree,
// appends what it can read to the tenant in `reader`, and reports every problem it sees.
#pragma once

#include <string>
#include <string_view>

#include "callplan/model.hpp"
#include "load/reader.hpp"
#include "load/yaml_tree.hpp"

namespace callplan::load {

void read_tenant_info(Reader& reader, const YamlNode& node);
void read_numbers(Reader& reader, const YamlNode& node);
void read_users(Reader& reader, const YamlNode& node);
void read_devices(Reader& reader, const YamlNode& node);
// `schedules:` — a map from name to schedule.
void read_schedules(Reader& reader, const YamlNode& node);
// One schedule's fields into `schedule` (named, or inline in a time condition).
void read_schedule_body(Reader& reader, const YamlNode& node, Schedule& schedule);
void read_plans(Reader& reader, const YamlNode& node);
// The top-level `provisioning:` section (`key` is its key, for CP104 when given twice) and a
// device's `provisioning:` map (read_provisioning.cpp).
void read_provisioning(Reader& reader, const YamlNode& key, const YamlNode& node);
void read_device_provisioning(Reader& reader, const YamlNode& node, ProvisioningKeys& out);

// Value checks shared by the readers; each reports its own issue and returns false.

// An extension: 2-6 digits (CP120).
bool check_extension(Reader& reader, const YamlNode& at, std::string_view text,
                     std::string_view field);
// A number a phone can dial: digits with an optional "+" (CP121, with the cleaned-up number
// as a hint when only separators are wrong).
bool check_external_number(Reader& reader, const YamlNode& at, std::string_view text,
                           std::string_view field);
// An extension or an external number (transfer targets, ring-group members).
bool check_target(Reader& reader, const YamlNode& at, std::string_view text,
                  std::string_view field);
// [A-Za-z0-9_-]+ (CP122).
bool check_identifier(Reader& reader, const YamlNode& at, std::string_view text,
                      std::string_view field);

}  // namespace callplan::load
