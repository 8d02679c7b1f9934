// rprocfs: serves /sys/class/remoteproc of the simulated board with libfuse3.
// Usage: rprocfs MOUNTPOINT CONFIG_FILE
// CONFIG_FILE holds key=value lines (kmsg, boot_ns, control, order, board, mode, semantics, recovery,
// trust_key, firmware_dir, fw_path_param, tee_ta, ta_start, ta_flavour, pta_ecdsa, stop_fault, rproc_fault, hostile, start_ms, kernel_release). CONTROL is a unix socket on which board-sim sends one command
// per connection: "set KEY=VALUE", "crash NAME", "reboot" or "status"; the answer is "ok[ …]" or "error …".
#define FUSE_USE_VERSION 31
#include "remoteproc_board.h"

#include <fuse3/fuse.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>

namespace {

using boardsim::RemoteprocBoard;

std::unique_ptr<RemoteprocBoard> g_board;

const char* const kAttrs[] = {"name", "firmware", "state", "recovery", "coredump", "fw_format"};

// "/remoteproc3/state" -> {3, "state"}; "/remoteproc3" -> {3, ""}.
struct Node {
    std::size_t index;
    std::string attr;
};

std::optional<Node> parse(const char* path) {
    std::string p = path;
    static const std::string prefix = "/remoteproc";
    if (p.rfind(prefix, 0) != 0) return std::nullopt;
    std::size_t pos = prefix.size(), digits = pos;
    while (digits < p.size() && std::isdigit(static_cast<unsigned char>(p[digits]))) ++digits;
    if (digits == pos) return std::nullopt;
    Node n{std::stoul(p.substr(pos, digits - pos)), ""};
    if (n.index >= g_board->count()) return std::nullopt;
    if (digits == p.size()) return n;
    if (p[digits] != '/') return std::nullopt;
    n.attr = p.substr(digits + 1);
    for (const char* a : kAttrs)
        if (n.attr == a) return n;
    return std::nullopt;
}

int do_getattr(const char* path, struct stat* st, fuse_file_info*) {
    std::memset(st, 0, sizeof *st);
    if (std::strcmp(path, "/") == 0) {
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
        return 0;
    }
    auto n = parse(path);
    if (!n) return -ENOENT;
    if (n->attr.empty()) {
        st->st_mode = S_IFDIR | 0755;
        st->st_nlink = 2;
    } else {
        st->st_mode = S_IFREG | (RemoteprocBoard::writable(n->attr) ? 0644 : 0444);
        st->st_nlink = 1;
        st->st_size = 4096;  // sysfs attributes report one page
    }
    return 0;
}

int do_readdir(const char* path, void* buf, fuse_fill_dir_t fill, off_t, fuse_file_info*, fuse_readdir_flags) {
    fill(buf, ".", nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
    fill(buf, "..", nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
    if (std::strcmp(path, "/") == 0) {
        for (std::size_t i = 0; i < g_board->count(); ++i)
            fill(buf, ("remoteproc" + std::to_string(i)).c_str(), nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
        return 0;
    }
    auto n = parse(path);
    if (!n || !n->attr.empty()) return -ENOTDIR;
    for (const char* a : kAttrs) fill(buf, a, nullptr, 0, static_cast<fuse_fill_dir_flags>(0));
    return 0;
}

int do_open(const char* path, fuse_file_info* fi) {
    auto n = parse(path);
    if (!n || n->attr.empty()) return -ENOENT;
    if ((fi->flags & O_ACCMODE) != O_RDONLY && !RemoteprocBoard::writable(n->attr)) return -EACCES;
    fi->direct_io = 1;  // every read and write reaches the daemon, as with sysfs
    return 0;
}

int do_read(const char* path, char* buf, size_t size, off_t off, fuse_file_info*) {
    auto n = parse(path);
    if (!n) return -ENOENT;
    std::string text;
    if (g_board->endless(n->attr)) {  // hostile=endless: data at every offset, never end of file
        for (size_t k = 0; k < size; ++k) buf[k] = boardsim::hostile_byte(static_cast<unsigned long long>(off) + k);
        return static_cast<int>(size);
    }
    if (!g_board->read(n->index, n->attr, text)) return -EIO;
    if (off >= static_cast<off_t>(text.size())) return 0;
    size_t len = std::min(size, text.size() - static_cast<size_t>(off));
    std::memcpy(buf, text.data() + off, len);
    return static_cast<int>(len);
}

int do_write(const char* path, const char* buf, size_t size, off_t, fuse_file_info*) {
    auto n = parse(path);
    if (!n) return -ENOENT;
    return g_board->write(n->index, n->attr, std::string(buf, size));
}

// The shell's ">" opens with O_TRUNC: accept it as sysfs does.
int do_truncate(const char*, off_t, fuse_file_info*) { return 0; }

void serve_control(const std::string& socket_path) {
    int srv = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
    ::unlink(socket_path.c_str());
    if (srv < 0 || ::bind(srv, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(srv, 8) != 0) {
        std::cerr << "rprocfs: control socket " << socket_path << ": " << std::strerror(errno) << "\n";
        return;
    }
    for (;;) {
        int c = ::accept4(srv, nullptr, nullptr, SOCK_CLOEXEC);
        if (c < 0) {
            if (errno == EINTR) continue;
            return;
        }
        std::string cmd;
        char ch;
        while (cmd.size() < 4096 && ::read(c, &ch, 1) == 1 && ch != '\n') cmd += ch;
        std::string err, extra;
        if (cmd.rfind("set ", 0) == 0) {
            std::string kv = cmd.substr(4);
            auto eq = kv.find('=');
            err = eq == std::string::npos ? "expected KEY=VALUE" : g_board->apply(kv.substr(0, eq), kv.substr(eq + 1));
        } else if (cmd.rfind("crash ", 0) == 0) {
            err = g_board->crash(cmd.substr(6));
        } else if (cmd == "reboot") {
            g_board->reboot();
        } else if (cmd == "status") {
            // append, not " " + std::string&&: g++ 12 -O3 reports a false -Wrestrict on that.
            extra.append(" ").append(g_board->status());
        } else {
            err = "unknown command";
        }
        std::string answer = err.empty() ? "ok" + extra + "\n" : "error " + err + "\n";
        ssize_t w = ::write(c, answer.data(), answer.size());
        (void)w;
        ::close(c);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: rprocfs MOUNTPOINT CONFIG_FILE\n";
        return 2;
    }
    std::map<std::string, std::string> cfg;
    std::ifstream in(argv[2]);
    for (std::string line; std::getline(in, line);) {
        auto eq = line.find('=');
        if (eq != std::string::npos) cfg[line.substr(0, eq)] = line.substr(eq + 1);
    }
    boardsim::BoardSettings s;
    s.kmsg_path = cfg["kmsg"];
    s.secure_log_path = cfg["secure_log"];
    s.boot_ns = cfg.count("boot_ns") ? std::stoll(cfg["boot_ns"]) : 0;
    s.trusted_key = cfg["trust_key"];
    if (cfg.count("firmware_dir")) s.firmware.firmware_dir = cfg["firmware_dir"];
    if (cfg.count("fw_path_param")) s.firmware.fw_path_param = cfg["fw_path_param"];
    if (cfg.count("board")) s.board = cfg["board"];
    if (cfg.count("mode")) s.tee_mode = cfg["mode"] == "TEE";
    s.refcounted = cfg["semantics"] != "old";
    s.tee_ta = cfg["tee_ta"] != "off";
    s.recovery = cfg["recovery"] != "disabled";
    if (cfg.count("order")) {
        s.order.clear();
        std::stringstream ss(cfg["order"]);
        for (std::string item; std::getline(ss, item, ',');) s.order.push_back(item);
    }
    g_board = std::make_unique<RemoteprocBoard>(s);
    // Fault knobs and the kernel release go through the same path as `board-sim set` (one parser each).
    for (const char* key : {"ta_start", "ta_flavour", "pta_ecdsa", "stop_fault", "rproc_fault", "hostile", "start_ms", "kernel_release"}) {
        if (!cfg.count(key)) continue;
        std::string e = g_board->apply(key, cfg[key]);
        if (!e.empty()) std::cerr << "rprocfs: " << e << "\n";
    }
    if (cfg.count("detached")) {
        std::string e = g_board->apply("detached", cfg["detached"]);
        if (!e.empty()) std::cerr << "rprocfs: " << e << "\n";
    }
    if (cfg.count("control")) std::thread(serve_control, cfg["control"]).detach();

    fuse_operations ops{};
    ops.getattr = do_getattr;
    ops.readdir = do_readdir;
    ops.open = do_open;
    ops.read = do_read;
    ops.write = do_write;
    ops.truncate = do_truncate;
    std::string mountpoint = argv[1];
    // Multithreaded, like sysfs: a start write blocked in a long load (start_ms) does not block the readers.
    const char* fargv[] = {argv[0], mountpoint.c_str(), "-f", "-o", "fsname=rprocfs,default_permissions,max_threads=16"};
    return fuse_main(5, const_cast<char**>(fargv), &ops, nullptr);
}
