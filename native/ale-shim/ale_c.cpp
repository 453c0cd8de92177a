// ale_c: Plasticity.ML's C interface over ale::ALEInterface (see ale_c.h for the contract).
//
// Why every entry point is wrapped: a C++ exception that unwinds into .NET kills the process, and ALE calls
// std::exit on some bad inputs (a missing or unknown ROM, an action outside its enum, a settings lookup before
// a ROM is loaded dereferences null). So each function validates what ALE would choke on, runs inside
// Guarded(...) which turns any exception into a status code, and leaves the message in a thread-local string.

#include "ale_c.h"

#include <ale/ale_interface.hpp>
#include <ale/emucore/MD5.hxx>
#include <ale/games/Roms.hpp>

#include <cmath>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

struct ALE_C_Interface {
  ale::ALEInterface ale;
  std::string rom_md5;  // empty until a ROM is loaded
};

struct ALE_C_State {
  ale::ALEState state;
  std::string rom_md5;
};

namespace {

namespace fs = std::filesystem;

thread_local std::string last_error;

// Largest ROM file read for the MD5 check; Atari 2600 cartridges are at most a few hundred KB.
constexpr std::uintmax_t kMaxRomBytes = 4u << 20;

int Fail(int status, std::string message) {
  last_error = std::move(message);
  return status;
}

template <class F>
int Guarded(F&& body) noexcept {
  try {
    last_error.clear();
    return body();
  } catch (const std::bad_alloc&) {
    return Fail(ALE_C_ERROR_OUT_OF_MEMORY, "out of memory inside the Arcade Learning Environment");
  } catch (const std::exception& e) {
    return Fail(ALE_C_ERROR_NATIVE, std::string("the Arcade Learning Environment failed: ") + e.what());
  } catch (const char* message) {  // parts of Stella throw C strings
    return Fail(ALE_C_ERROR_NATIVE, std::string("the Arcade Learning Environment failed: ") +
                                        (message ? message : "(no message)"));
  } catch (...) {
    return Fail(ALE_C_ERROR_NATIVE, "the Arcade Learning Environment threw an unknown C++ exception");
  }
}

int NullArgument(const char* name) {
  return Fail(ALE_C_ERROR_INVALID_ARGUMENT, std::string("argument '") + name + "' is null");
}

#define ALE_C_REQUIRE(pointer) \
  if ((pointer) == nullptr) return NullArgument(#pointer)

int RequireRom(const ALE_C_Interface* ale) {
  if (ale->rom_md5.empty() || !ale->ale.environment || !ale->ale.romSettings) {
    return Fail(ALE_C_ERROR_NO_ROM, "no ROM is loaded: call ALE_loadROM first");
  }
  return ALE_C_OK;
}

int CopyString(const std::string& value, char* buffer, int capacity, int* length) {
  *length = static_cast<int>(value.size());
  if (buffer == nullptr || capacity < static_cast<int>(value.size()) + 1) {
    return Fail(ALE_C_ERROR_BUFFER_SIZE, "buffer capacity " + std::to_string(capacity) + " is too small for " +
                                             std::to_string(value.size() + 1) + " bytes");
  }
  std::memcpy(buffer, value.c_str(), value.size() + 1);
  return ALE_C_OK;
}

template <class Vector>
int CopyList(const Vector& values, int* out, int capacity, int* count, const char* what) {
  *count = static_cast<int>(values.size());
  if (capacity < static_cast<int>(values.size()) || (out == nullptr && !values.empty())) {
    return Fail(ALE_C_ERROR_BUFFER_SIZE, std::string(what) + ": capacity " + std::to_string(capacity) +
                                             " is smaller than the " + std::to_string(values.size()) + " entries");
  }
  for (std::size_t i = 0; i < values.size(); i++) out[i] = static_cast<int>(values[i]);
  return ALE_C_OK;
}

int CheckSize(size_t actual, size_t expected, const char* what) {
  if (actual != expected) {
    return Fail(ALE_C_ERROR_BUFFER_SIZE, std::string(what) + " buffer has " + std::to_string(actual) +
                                             " bytes; it must have exactly " + std::to_string(expected));
  }
  return ALE_C_OK;
}

// A ROM passes when it is a regular file whose MD5 is one ALE knows (what ale::ALEInterface::isSupportedROM
// checks, without its leak of the RomSettings object). *md5 and *name are set on success.
int CheckRom(const char* path, std::string* md5, std::string* name) {
  ALE_C_REQUIRE(path);
  if (*path == '\0') return Fail(ALE_C_ERROR_INVALID_ARGUMENT, "the ROM path is empty");
  const fs::path rom(path);
  std::error_code error;
  const fs::file_status status = fs::status(rom, error);
  if (!fs::exists(status)) {
    return Fail(ALE_C_ERROR_ROM_NOT_FOUND, "ROM file '" + rom.string() + "' does not exist");
  }
  if (!fs::is_regular_file(status)) {
    return Fail(ALE_C_ERROR_UNSUPPORTED_ROM, "ROM path '" + rom.string() + "' is not a regular file");
  }
  const std::uintmax_t size = fs::file_size(rom, error);
  if (error || size == 0 || size > kMaxRomBytes) {
    return Fail(ALE_C_ERROR_UNSUPPORTED_ROM,
                "ROM file '" + rom.string() + "' has " + (error ? std::string("an unreadable size") : std::to_string(size) + " bytes") +
                    "; an Atari 2600 ROM has between 1 byte and " + std::to_string(kMaxRomBytes) + " bytes");
  }
  std::ifstream stream(rom, std::ios::binary);
  if (!stream.good()) return Fail(ALE_C_ERROR_UNSUPPORTED_ROM, "ROM file '" + rom.string() + "' cannot be opened");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(stream)), std::istreambuf_iterator<char>());
  if (bytes.size() != size) return Fail(ALE_C_ERROR_UNSUPPORTED_ROM, "ROM file '" + rom.string() + "' could not be read whole");
  const std::string digest = ale::stella::MD5(bytes.data(), static_cast<uint32_t>(bytes.size()));
  std::unique_ptr<ale::RomSettings> settings(ale::buildRomRLWrapper(rom, digest));
  if (!settings || digest != settings->md5()) {
    std::string message = "ROM file '" + rom.string() + "' (" + std::to_string(size) + " bytes, MD5 " + digest +
                          ") is not a ROM the Arcade Learning Environment supports";
    if (settings) {
      message += std::string(": its file name suggests '") + settings->rom() + "', whose MD5 is " + settings->md5();
    }
    return Fail(ALE_C_ERROR_UNSUPPORTED_ROM, message);
  }
  *md5 = digest;
  *name = settings->rom();
  return ALE_C_OK;
}

int InvalidSetting(const char* kind, const char* key, const std::exception& e) {
  return Fail(ALE_C_ERROR_INVALID_ARGUMENT,
              std::string(kind) + " setting '" + key + "' was rejected by the Arcade Learning Environment: " + e.what());
}

}  // namespace

extern "C" {

int ALE_abiVersion(void) { return ALE_C_ABI_VERSION; }

const char* ALE_lastError(void) { return last_error.c_str(); }

int ALE_aleVersion(char* buffer, int capacity, int* length) {
  return Guarded([&] {
    ALE_C_REQUIRE(length);
    return CopyString(ALE_VERSION, buffer, capacity, length);
  });
}

int ALE_setLoggerMode(int mode) {
  return Guarded([&] {
    if (mode < 0 || mode > 2) {
      return Fail(ALE_C_ERROR_INVALID_ARGUMENT, "logger mode " + std::to_string(mode) + " is not 0 (info), 1 (warning) or 2 (error)");
    }
    ale::Logger::setMode(static_cast<ale::Logger::mode>(mode));
    return ALE_C_OK;
  });
}

int ALE_isSupportedROM(const char* path, int* supported, char* buffer, int capacity, int* length) {
  return Guarded([&] {
    ALE_C_REQUIRE(supported);
    ALE_C_REQUIRE(length);
    std::string md5, name;
    int status = CheckRom(path, &md5, &name);
    if (status == ALE_C_ERROR_UNSUPPORTED_ROM) {
      *supported = 0;
      *length = 0;
      return ALE_C_OK;
    }
    if (status != ALE_C_OK) return status;
    *supported = 1;
    return CopyString(name, buffer, capacity, length);
  });
}

int ALE_new(ALE_C_Interface** out) {
  return Guarded([&] {
    ALE_C_REQUIRE(out);
    *out = nullptr;
    *out = new ALE_C_Interface();
    return ALE_C_OK;
  });
}

void ALE_del(ALE_C_Interface* ale) {
  Guarded([&] {
    delete ale;
    return ALE_C_OK;
  });
}

int ALE_setInt(ALE_C_Interface* ale, const char* key, int value) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(key);
    // ALE asserts (and in release builds silently misuses) a negative seed other than -1 ("seed from the clock").
    if ((std::strcmp(key, "random_seed") == 0 || std::strcmp(key, "system_random_seed") == 0) && value < -1) {
      return Fail(ALE_C_ERROR_INVALID_ARGUMENT, std::string(key) + " = " + std::to_string(value) + " must be -1 or a non-negative integer");
    }
    try {
      ale->ale.setInt(key, value);
    } catch (const std::runtime_error& e) {
      return InvalidSetting("int", key, e);
    }
    return ALE_C_OK;
  });
}

int ALE_setFloat(ALE_C_Interface* ale, const char* key, float value) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(key);
    if (!std::isfinite(value)) {
      return Fail(ALE_C_ERROR_INVALID_ARGUMENT, std::string(key) + " = " + std::to_string(value) + " is not a finite number");
    }
    if (std::strcmp(key, "repeat_action_probability") == 0 && (value < 0.0f || value > 1.0f)) {
      return Fail(ALE_C_ERROR_INVALID_ARGUMENT, "repeat_action_probability = " + std::to_string(value) + " is outside [0, 1]");
    }
    try {
      ale->ale.setFloat(key, value);
    } catch (const std::runtime_error& e) {
      return InvalidSetting("float", key, e);
    }
    return ALE_C_OK;
  });
}

int ALE_setBool(ALE_C_Interface* ale, const char* key, int value) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(key);
    try {
      ale->ale.setBool(key, value != 0);
    } catch (const std::runtime_error& e) {
      return InvalidSetting("bool", key, e);
    }
    return ALE_C_OK;
  });
}

int ALE_setString(ALE_C_Interface* ale, const char* key, const char* value) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(key);
    ALE_C_REQUIRE(value);
    try {
      ale->ale.setString(key, value);
    } catch (const std::runtime_error& e) {
      return InvalidSetting("string", key, e);
    }
    return ALE_C_OK;
  });
}

int ALE_getInt(ALE_C_Interface* ale, const char* key, int* value) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(key);
    ALE_C_REQUIRE(value);
    *value = ale->ale.getInt(key);
    return ALE_C_OK;
  });
}

int ALE_getFloat(ALE_C_Interface* ale, const char* key, float* value) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(key);
    ALE_C_REQUIRE(value);
    *value = ale->ale.getFloat(key);
    return ALE_C_OK;
  });
}

int ALE_getBool(ALE_C_Interface* ale, const char* key, int* value) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(key);
    ALE_C_REQUIRE(value);
    *value = ale->ale.getBool(key) ? 1 : 0;
    return ALE_C_OK;
  });
}

int ALE_getString(ALE_C_Interface* ale, const char* key, char* buffer, int capacity, int* length) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(key);
    ALE_C_REQUIRE(length);
    return CopyString(ale->ale.getString(key), buffer, capacity, length);
  });
}

int ALE_loadROM(ALE_C_Interface* ale, const char* path) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    std::string md5, name;
    int status = CheckRom(path, &md5, &name);
    if (status != ALE_C_OK) return status;
    ale->rom_md5.clear();  // a failed load leaves no half-loaded game behind
    ale->ale.loadROM(fs::path(path));
    ale->rom_md5 = md5;
    return ALE_C_OK;
  });
}

int ALE_act(ALE_C_Interface* ale, int action, float paddle_strength, int* reward) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(reward);
    if (int status = RequireRom(ale)) return status;
    // ALE exits the process on an action outside player A's joystick actions (0 = NOOP .. 17 = DOWNLEFTFIRE).
    if (action < 0 || action >= PLAYER_A_MAX) {
      return Fail(ALE_C_ERROR_INVALID_ARGUMENT, "action " + std::to_string(action) + " is outside ALE's player A actions 0..17");
    }
    if (!std::isfinite(paddle_strength) || paddle_strength < -1.0f || paddle_strength > 1.0f) {
      return Fail(ALE_C_ERROR_INVALID_ARGUMENT, "paddle strength " + std::to_string(paddle_strength) + " is outside [-1, 1]");
    }
    *reward = ale->ale.act(static_cast<ale::Action>(action), paddle_strength);
    return ALE_C_OK;
  });
}

int ALE_game_over(ALE_C_Interface* ale, int with_truncation, int* over) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(over);
    if (int status = RequireRom(ale)) return status;
    *over = ale->ale.game_over(with_truncation != 0) ? 1 : 0;
    return ALE_C_OK;
  });
}

int ALE_game_truncated(ALE_C_Interface* ale, int* truncated) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(truncated);
    if (int status = RequireRom(ale)) return status;
    *truncated = ale->ale.game_truncated() ? 1 : 0;
    return ALE_C_OK;
  });
}

int ALE_reset_game(ALE_C_Interface* ale) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    if (int status = RequireRom(ale)) return status;
    ale->ale.reset_game();
    return ALE_C_OK;
  });
}

int ALE_lives(ALE_C_Interface* ale, int* lives) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(lives);
    if (int status = RequireRom(ale)) return status;
    *lives = ale->ale.lives();
    return ALE_C_OK;
  });
}

int ALE_getFrameNumber(ALE_C_Interface* ale, int* frame) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(frame);
    if (int status = RequireRom(ale)) return status;
    *frame = ale->ale.getFrameNumber();
    return ALE_C_OK;
  });
}

int ALE_getEpisodeFrameNumber(ALE_C_Interface* ale, int* frame) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(frame);
    if (int status = RequireRom(ale)) return status;
    *frame = ale->ale.getEpisodeFrameNumber();
    return ALE_C_OK;
  });
}

int ALE_getMinimalActionSet(ALE_C_Interface* ale, int* actions, int capacity, int* count) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(count);
    if (int status = RequireRom(ale)) return status;
    return CopyList(ale->ale.getMinimalActionSet(), actions, capacity, count, "minimal action set");
  });
}

int ALE_getLegalActionSet(ALE_C_Interface* ale, int* actions, int capacity, int* count) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(count);
    if (int status = RequireRom(ale)) return status;
    return CopyList(ale->ale.getLegalActionSet(), actions, capacity, count, "legal action set");
  });
}

int ALE_getAvailableModes(ALE_C_Interface* ale, int* modes, int capacity, int* count) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(count);
    if (int status = RequireRom(ale)) return status;
    return CopyList(ale->ale.getAvailableModes(), modes, capacity, count, "available modes");
  });
}

int ALE_setMode(ALE_C_Interface* ale, int mode) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    if (int status = RequireRom(ale)) return status;
    try {
      ale->ale.setMode(static_cast<ale::game_mode_t>(mode));
    } catch (const std::runtime_error& e) {
      return Fail(ALE_C_ERROR_INVALID_ARGUMENT, "mode " + std::to_string(mode) + " is not available for this ROM: " + e.what());
    }
    return ALE_C_OK;
  });
}

int ALE_getAvailableDifficulties(ALE_C_Interface* ale, int* difficulties, int capacity, int* count) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(count);
    if (int status = RequireRom(ale)) return status;
    return CopyList(ale->ale.getAvailableDifficulties(), difficulties, capacity, count, "available difficulties");
  });
}

int ALE_setDifficulty(ALE_C_Interface* ale, int difficulty) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    if (int status = RequireRom(ale)) return status;
    try {
      ale->ale.setDifficulty(static_cast<ale::difficulty_t>(difficulty));
    } catch (const std::runtime_error& e) {
      return Fail(ALE_C_ERROR_INVALID_ARGUMENT, "difficulty " + std::to_string(difficulty) + " is not available for this ROM: " + e.what());
    }
    return ALE_C_OK;
  });
}

int ALE_getScreenWidth(ALE_C_Interface* ale, int* width) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(width);
    if (int status = RequireRom(ale)) return status;
    *width = static_cast<int>(ale->ale.getScreen().width());
    return ALE_C_OK;
  });
}

int ALE_getScreenHeight(ALE_C_Interface* ale, int* height) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(height);
    if (int status = RequireRom(ale)) return status;
    *height = static_cast<int>(ale->ale.getScreen().height());
    return ALE_C_OK;
  });
}

int ALE_getScreenGrayscale(ALE_C_Interface* ale, uint8_t* buffer, size_t size) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(buffer);
    if (int status = RequireRom(ale)) return status;
    const ale::ALEScreen& screen = ale->ale.getScreen();
    const size_t pixels = screen.width() * screen.height();
    if (int status = CheckSize(size, pixels, "grayscale screen")) return status;
    // ALE's own getScreenGrayscale does this into a std::vector; writing straight into the caller's buffer
    // saves a copy per frame.
    ale->ale.theOSystem->colourPalette().applyPaletteGrayscale(buffer, screen.getArray(), pixels);
    return ALE_C_OK;
  });
}

int ALE_getScreenRGB(ALE_C_Interface* ale, uint8_t* buffer, size_t size) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(buffer);
    if (int status = RequireRom(ale)) return status;
    const ale::ALEScreen& screen = ale->ale.getScreen();
    const size_t pixels = screen.width() * screen.height();
    if (int status = CheckSize(size, 3 * pixels, "RGB screen")) return status;
    ale->ale.theOSystem->colourPalette().applyPaletteRGB(buffer, screen.getArray(), pixels);
    return ALE_C_OK;
  });
}

int ALE_getRAMSize(ALE_C_Interface* ale, int* size) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(size);
    if (int status = RequireRom(ale)) return status;
    *size = static_cast<int>(ale->ale.getRAM().size());
    return ALE_C_OK;
  });
}

int ALE_getRAM(ALE_C_Interface* ale, uint8_t* buffer, size_t size) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(buffer);
    if (int status = RequireRom(ale)) return status;
    const ale::ALERAM& ram = ale->ale.getRAM();
    if (int status = CheckSize(size, ram.size(), "RAM")) return status;
    std::memcpy(buffer, ram.array(), ram.size());
    return ALE_C_OK;
  });
}

int ALE_cloneState(ALE_C_Interface* ale, int include_rng, ALE_C_State** out) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(out);
    *out = nullptr;
    if (int status = RequireRom(ale)) return status;
    *out = new ALE_C_State{ale->ale.cloneState(include_rng != 0), ale->rom_md5};
    return ALE_C_OK;
  });
}

int ALE_restoreState(ALE_C_Interface* ale, const ALE_C_State* state) {
  return Guarded([&] {
    ALE_C_REQUIRE(ale);
    ALE_C_REQUIRE(state);
    if (int status = RequireRom(ale)) return status;
    if (state->rom_md5 != ale->rom_md5) {
      return Fail(ALE_C_ERROR_INVALID_ARGUMENT, "the state was cloned from ROM MD5 " + state->rom_md5 +
                                                    ", but this emulator runs ROM MD5 " + ale->rom_md5);
    }
    ale->ale.restoreState(state->state);
    return ALE_C_OK;
  });
}

void ALE_deleteState(ALE_C_State* state) {
  Guarded([&] {
    delete state;
    return ALE_C_OK;
  });
}

}  // extern "C"
