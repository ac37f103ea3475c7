// The files of one tenant as the panel reads and writes them: the top-level file and every file
// it includes, their bytes, and the version the panel's saves are checked against.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "callplan/check.hpp"

namespace callplan::panel {

struct TenantFiles {
  std::filesystem::path top;   // the file given to `callplan panel`
  std::filesystem::path root;  // the deepest directory that holds them all
  // Path relative to `root` ("users.yaml") -> bytes, for every file the loader read.
  std::map<std::string, std::string> texts;
  // A SHA-256 over every file's name and bytes (hex, 32 digits): any change to any file, by
  // the panel or by hand, makes a new version.
  std::string version;
};

// Loads and checks the tenant at `top` and reads the bytes of every file it is made of.
// Throws callplan::Error when the top file cannot be read.
TenantFiles read_tenant_files(const std::filesystem::path& top, CheckedTenant& checked);

// The version the same files have on disk now (without loading them): a file changed by
// hand, or gone, gives a different version. Includes can change only if some file does.
std::string version_on_disk(const TenantFiles& files);

// Loads and checks the tenant as it would be with `texts` in place of its files (the others
// as they are): the files are laid out under a private temporary directory, so includes
// resolve as they will after the save. Issue locations name the real files.
// `laid_out_at` gets the temporary directory used (gone on return): the model's file names
// start with it.
CheckedTenant load_proposed(const TenantFiles& files,
                            const std::map<std::string, std::string>& changed,
                            std::filesystem::path& laid_out_at);

// Writes `text` to `path` atomically: a temporary file in the same directory (with the file's
// permissions), fsync, rename. Throws callplan::Error; the old file stays on failure.
void write_file_atomically(const std::filesystem::path& path, const std::string& text);

}  // namespace callplan::panel
