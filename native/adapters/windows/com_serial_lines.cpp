#include "adapters/windows/com_serial_lines.h"

#include <windows.h>

#include <algorithm>
#include <cctype>
#include <thread>

#include "adapters/windows/win_text.h"

namespace stm32mp::adapters::windows {
namespace {

// How long one write may take: tens of bytes at 115200 baud need a millisecond; a port whose
// device vanished or whose flow is stuck must not hold the step.
constexpr DWORD kWriteTimeoutMs = 2000;
// The read loop asks the driver how many bytes wait (ClearCommError) and sleeps this long in between:
// a blocking or overlapped ReadFile cannot be bounded by our Deadline and cancel token any better,
// and WaitCommEvent is unreliable on USB CDC drivers.
constexpr core::Millis kPollStep{10};

class ComLine final : public ports::SerialLine {
 public:
  explicit ComLine(HANDLE h) : handle_(h) {}
  ~ComLine() override { CloseHandle(handle_); }
  ComLine(const ComLine&) = delete;
  ComLine& operator=(const ComLine&) = delete;

  std::optional<std::string> configure_115200_8n1() override {
    DCB dcb{};
    dcb.DCBlength = sizeof dcb;
    if (GetCommState(handle_, &dcb) == 0) return "GetCommState: " + error_text(GetLastError());
    dcb.BaudRate = CBR_115200;
    dcb.ByteSize = 8;
    dcb.Parity = NOPARITY;
    dcb.StopBits = ONESTOPBIT;
    dcb.fBinary = TRUE;
    dcb.fParity = FALSE;
    dcb.fOutxCtsFlow = FALSE;
    dcb.fOutxDsrFlow = FALSE;
    dcb.fDtrControl = DTR_CONTROL_ENABLE;
    dcb.fRtsControl = RTS_CONTROL_ENABLE;
    dcb.fDsrSensitivity = FALSE;
    dcb.fOutX = FALSE;
    dcb.fInX = FALSE;
    dcb.fErrorChar = FALSE;
    dcb.fNull = FALSE;
    dcb.fAbortOnError = FALSE;
    if (SetCommState(handle_, &dcb) == 0) return "SetCommState: " + error_text(GetLastError());
    // Reads return at once with what is there (MAXDWORD/0/0); writes give up after kWriteTimeoutMs.
    COMMTIMEOUTS t{};
    t.ReadIntervalTimeout = MAXDWORD;
    t.ReadTotalTimeoutMultiplier = 0;
    t.ReadTotalTimeoutConstant = 0;
    t.WriteTotalTimeoutMultiplier = 0;
    t.WriteTotalTimeoutConstant = kWriteTimeoutMs;
    if (SetCommTimeouts(handle_, &t) == 0) return "SetCommTimeouts: " + error_text(GetLastError());
    // Stale bytes from before our CR would confuse the console classifier.
    (void)PurgeComm(handle_, PURGE_RXCLEAR | PURGE_TXCLEAR);
    return std::nullopt;
  }

  std::optional<std::string> write(const std::string& bytes) override {
    DWORD written = 0;
    if (WriteFile(handle_, bytes.data(), static_cast<DWORD>(bytes.size()), &written, nullptr) == 0) {
      return "WriteFile: " + error_text(GetLastError());
    }
    // A short count means the write timeout struck: the device takes no data (flow stuck, unplugged).
    if (written < bytes.size()) {
      return "WriteFile: only " + std::to_string(written) + " of " + std::to_string(bytes.size()) + " bytes were taken within " +
             std::to_string(kWriteTimeoutMs) + " ms";
    }
    return std::nullopt;
  }

  core::expected<std::string, std::string> read_some(const core::Deadline& deadline,
                                                     const core::CancelToken& cancel) override {
    std::string out;
    while (!cancel.cancelled()) {
      DWORD errors = 0;
      COMSTAT status{};
      if (ClearCommError(handle_, &errors, &status) == 0) {
        const DWORD e = GetLastError();
        // The USB device went away under us (unplugged, board reset re-enumerating the ST-LINK).
        if (e == ERROR_BAD_COMMAND || e == ERROR_DEVICE_REMOVED || e == ERROR_GEN_FAILURE || e == ERROR_OPERATION_ABORTED) {
          return core::unexpected{std::string("the line was closed (device unplugged?)")};
        }
        return core::unexpected{"ClearCommError: " + error_text(e)};
      }
      char buf[512];
      DWORD got = 0;
      if (ReadFile(handle_, buf, sizeof buf, &got, nullptr) == 0) {
        return core::unexpected{"ReadFile: " + error_text(GetLastError())};
      }
      if (got > 0) {
        out.append(buf, got);
        return out;  // the caller decides whether to keep reading
      }
      if (deadline.expired()) break;
      std::this_thread::sleep_for(std::min(deadline.slice(), kPollStep));
    }
    return out;
  }

 private:
  HANDLE handle_;
};

}  // namespace

std::string ComSerialLines::device_path(const std::string& path) {
  std::string upper = path;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (upper.rfind("COM", 0) == 0 && upper.size() > 3 &&
      std::all_of(upper.begin() + 3, upper.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return R"(\\.\)" + upper;
  }
  return path;
}

core::expected<std::unique_ptr<ports::SerialLine>, ports::OpenError> ComSerialLines::open_exclusive(
    const std::string& path) {
  const auto wide = widen(device_path(path));
  // Share mode 0: nobody else may open the port while the step talks to the console.
  const HANDLE h = CreateFileW(wide.c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr, OPEN_EXISTING, 0, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    const DWORD e = GetLastError();
    ports::OpenError err;
    err.error_number = static_cast<int>(e);
    err.text = error_text(e);
    switch (e) {
      case ERROR_FILE_NOT_FOUND:
      case ERROR_PATH_NOT_FOUND:
      case ERROR_DEV_NOT_EXIST:
        err.kind = ports::OpenError::Kind::not_found;
        break;
      case ERROR_ACCESS_DENIED:
      case ERROR_SHARING_VIOLATION:
        // Windows' answer when another program has the port open.
        err.kind = ports::OpenError::Kind::busy;
        break;
      default:
        err.kind = ports::OpenError::Kind::other;
    }
    return core::unexpected{err};
  }
  return std::unique_ptr<ports::SerialLine>(std::make_unique<ComLine>(h));
}

}  // namespace stm32mp::adapters::windows
