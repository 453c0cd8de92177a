/*
 * ale_c: a small C interface over the Arcade Learning Environment's C++ class ale::ALEInterface, so that .NET
 * (or any language with a C FFI) can drive ALE. This header and ale_c.cpp are Plasticity.ML's own code, written
 * from ALE's public API; ALE itself (GPL-2.0) is never copied into this repository: build.sh compiles it from a
 * user's ALE source or install folder and links it statically into libale_c.so.
 *
 * Conventions
 * - Every function except ALE_abiVersion, ALE_lastError and the two deleters returns an ALE_C_* status code.
 *   Results come back through out-pointers. On a non-zero status, ALE_lastError() describes what went wrong.
 * - No C++ exception leaves this library, and inputs that would make ALE abort or exit the process (a missing
 *   ROM, an unsupported ROM, an action outside 0..17, a call before a ROM is loaded) are rejected with a status
 *   instead.
 * - Buffers are the caller's; a buffer of the wrong size is rejected (ALE_C_ERROR_BUFFER_SIZE), never truncated.
 * - One handle must not be used from two threads at once; different handles are independent.
 */
#ifndef PLASTICITY_ALE_C_H
#define PLASTICITY_ALE_C_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define ALE_C_API __declspec(dllexport)
#else
#define ALE_C_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this C interface; the managed wrapper refuses a library whose version it does not know. */
#define ALE_C_ABI_VERSION 1

/* Status codes. */
#define ALE_C_OK 0
#define ALE_C_ERROR_INVALID_ARGUMENT 1 /* a null pointer, an unknown setting key, a value out of range */
#define ALE_C_ERROR_ROM_NOT_FOUND 2    /* the ROM path does not exist */
#define ALE_C_ERROR_UNSUPPORTED_ROM 3  /* the ROM path is not a regular file, or not a ROM ALE supports (MD5) */
#define ALE_C_ERROR_NO_ROM 4           /* the call needs a loaded ROM (ALE_loadROM first) */
#define ALE_C_ERROR_BUFFER_SIZE 5      /* the caller's buffer has the wrong size */
#define ALE_C_ERROR_NATIVE 6           /* ALE threw a C++ exception; ALE_lastError holds its message */
#define ALE_C_ERROR_OUT_OF_MEMORY 7

typedef struct ALE_C_Interface ALE_C_Interface; /* one emulator (owns an ale::ALEInterface) */
typedef struct ALE_C_State ALE_C_State;         /* a cloned emulator state */

/* The version of this interface (ALE_C_ABI_VERSION of the build). */
ALE_C_API int ALE_abiVersion(void);
/* The message of the last failed call on this thread ("" if none). Valid until the next call on this thread. */
ALE_C_API const char* ALE_lastError(void);
/* ALE's version string (e.g. "0.12.1") into buffer (capacity bytes, NUL-terminated); *length = its strlen. */
ALE_C_API int ALE_aleVersion(char* buffer, int capacity, int* length);
/* ALE's log level for the whole process: 0 = info, 1 = warning, 2 = error only. */
ALE_C_API int ALE_setLoggerMode(int mode);
/* Whether path is a ROM this ALE supports: *supported = 1 and its name in buffer, else *supported = 0. */
ALE_C_API int ALE_isSupportedROM(const char* path, int* supported, char* buffer, int capacity, int* length);

ALE_C_API int ALE_new(ALE_C_Interface** out);
ALE_C_API void ALE_del(ALE_C_Interface* ale);

/* Settings (ALE's keys, e.g. "random_seed", "repeat_action_probability", "frame_skip"); they take effect at
   the next ALE_loadROM. An unknown key, a key of another type or a non-finite float is ALE_C_ERROR_INVALID_ARGUMENT. */
ALE_C_API int ALE_setInt(ALE_C_Interface* ale, const char* key, int value);
ALE_C_API int ALE_setFloat(ALE_C_Interface* ale, const char* key, float value);
ALE_C_API int ALE_setBool(ALE_C_Interface* ale, const char* key, int value);
ALE_C_API int ALE_setString(ALE_C_Interface* ale, const char* key, const char* value);
ALE_C_API int ALE_getInt(ALE_C_Interface* ale, const char* key, int* value);
ALE_C_API int ALE_getFloat(ALE_C_Interface* ale, const char* key, float* value);
ALE_C_API int ALE_getBool(ALE_C_Interface* ale, const char* key, int* value);
/* *length = strlen of the value; ALE_C_ERROR_BUFFER_SIZE if capacity < *length + 1. */
ALE_C_API int ALE_getString(ALE_C_Interface* ale, const char* key, char* buffer, int capacity, int* length);

/* Loads (or reloads) a ROM and applies the settings; the game is reset. The file must exist, be a regular file
   and have the MD5 of a ROM ALE supports (ALE itself would exit the process otherwise). */
ALE_C_API int ALE_loadROM(ALE_C_Interface* ale, const char* path);

/* One emulator step (ALE's frame_skip frames) with player A's action in 0..17 (ALE's Action enum) and a paddle
   strength in [-1, 1]; *reward = the step's reward. */
ALE_C_API int ALE_act(ALE_C_Interface* ale, int action, float paddle_strength, int* reward);
/* *over = 1 when the game ended (with_truncation != 0: or the episode was truncated). */
ALE_C_API int ALE_game_over(ALE_C_Interface* ale, int with_truncation, int* over);
ALE_C_API int ALE_game_truncated(ALE_C_Interface* ale, int* truncated);
ALE_C_API int ALE_reset_game(ALE_C_Interface* ale);
ALE_C_API int ALE_lives(ALE_C_Interface* ale, int* lives);
ALE_C_API int ALE_getFrameNumber(ALE_C_Interface* ale, int* frame);
ALE_C_API int ALE_getEpisodeFrameNumber(ALE_C_Interface* ale, int* frame);

/* Action sets: *count = the set's size; the actions (ALE's Action values) are written when capacity >= *count,
   else ALE_C_ERROR_BUFFER_SIZE (call with capacity 0 to ask for the size). */
ALE_C_API int ALE_getMinimalActionSet(ALE_C_Interface* ale, int* actions, int capacity, int* count);
ALE_C_API int ALE_getLegalActionSet(ALE_C_Interface* ale, int* actions, int capacity, int* count);
ALE_C_API int ALE_getAvailableModes(ALE_C_Interface* ale, int* modes, int capacity, int* count);
ALE_C_API int ALE_setMode(ALE_C_Interface* ale, int mode);
ALE_C_API int ALE_getAvailableDifficulties(ALE_C_Interface* ale, int* difficulties, int capacity, int* count);
ALE_C_API int ALE_setDifficulty(ALE_C_Interface* ale, int difficulty);

/* Screen: height x width pixels (210 x 160). Grayscale: exactly width*height bytes, row-major. RGB: exactly
   width*height*3 bytes, row-major, interleaved R, G, B. RAM: exactly ALE_getRAMSize bytes (128). */
ALE_C_API int ALE_getScreenWidth(ALE_C_Interface* ale, int* width);
ALE_C_API int ALE_getScreenHeight(ALE_C_Interface* ale, int* height);
ALE_C_API int ALE_getScreenGrayscale(ALE_C_Interface* ale, uint8_t* buffer, size_t size);
ALE_C_API int ALE_getScreenRGB(ALE_C_Interface* ale, uint8_t* buffer, size_t size);
ALE_C_API int ALE_getRAMSize(ALE_C_Interface* ale, int* size);
ALE_C_API int ALE_getRAM(ALE_C_Interface* ale, uint8_t* buffer, size_t size);

/* States: an opaque copy of the emulator (include_rng != 0 also copies the sticky-action generator). A state
   restores only into an emulator running the same ROM. */
ALE_C_API int ALE_cloneState(ALE_C_Interface* ale, int include_rng, ALE_C_State** out);
ALE_C_API int ALE_restoreState(ALE_C_Interface* ale, const ALE_C_State* state);
ALE_C_API void ALE_deleteState(ALE_C_State* state);

#ifdef __cplusplus
}
#endif

#endif /* PLASTICITY_ALE_C_H */
