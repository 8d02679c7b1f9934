#include "firmware_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>

namespace boardsim {
namespace {

// kernel_read_file() (fs/kernel_read_file.c): negative errno; anything but a regular file (a
// directory too) is -EINVAL, an empty file -EINVAL; the path walk's -ENOTDIR is passed on as is.
int read_whole_file(const std::string& path, std::vector<std::uint8_t>& data) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    struct stat st {};
    int rc = 0;
    if (::fstat(fd, &st) != 0) rc = -errno;
    else if (!S_ISREG(st.st_mode)) rc = -EINVAL;
    else if (st.st_size <= 0) rc = -EINVAL;
    else {
        data.resize(static_cast<std::size_t>(st.st_size));
        std::size_t got = 0;
        while (got < data.size()) {
            ssize_t n = ::read(fd, data.data() + got, data.size() - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            got += static_cast<std::size_t>(n);
        }
        data.resize(got);
    }
    ::close(fd);
    return rc;
}

}  // namespace

int request_firmware(const KernelLog& log, const std::string& dev, const FirmwareSearch& search,
                     const std::string& name, std::vector<std::uint8_t>& data) {
    // _request_firmware(): a name with a ".." component is refused before any path is tried.
    for (std::size_t b = 0; b <= name.size();) {
        std::size_t e = name.find('/', b);
        if (e == std::string::npos) e = name.size();
        if (name.compare(b, e - b, "..") == 0) {
            log.line(dev, "Firmware load for '" + name + "' refused, path contains '..' component");
            return -EINVAL;
        }
        b = e + 1;
    }
    std::vector<std::string> dirs;
    {
        std::ifstream param(search.fw_path_param);
        std::string custom;
        std::getline(param, custom);
        if (!custom.empty()) dirs.push_back(custom);
    }
    const std::string& fw = search.firmware_dir;
    const std::string& release = search.kernel_release;
    dirs.insert(dirs.end(), {fw + "/updates/" + release, fw + "/updates", fw + "/" + release, fw});
    int rc = -ENOENT;
    for (const auto& d : dirs) {
        const std::string path = d + "/" + name;  // the kernel concatenates: an absolute name never matches
        rc = read_whole_file(path, data);
        if (rc == 0) return 0;
        if (rc != -ENOENT) log.line(dev, "loading " + path + " failed with error " + std::to_string(rc));
    }
    log.line(dev, "Direct firmware load for " + name + " failed with error " + std::to_string(rc));
    return rc;
}

}  // namespace boardsim
