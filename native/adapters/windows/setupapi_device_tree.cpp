// The live device tree: SetupAPI lists the COM port interfaces, CfgMgr32 walks to the parent USB
// device. Identity comes from instance ids and bus-reported descriptions, never from friendly names
// (ST's driver says "STMicroelectronics STLink Virtual COM Port", Windows' inbox driver "USB Serial Device").
#include <initguid.h>

#include <windows.h>
#include <cfgmgr32.h>
#include <devpkey.h>
#include <setupapi.h>

#include <vector>

#include "adapters/windows/device_tree.h"
#include "adapters/windows/win_text.h"

namespace stm32mp::adapters::windows {
namespace {

// GUID_DEVINTERFACE_COMPORT (ntddser.h, which needs the kernel headers' types to compile).
constexpr GUID kComPortInterface = {0x86E0D1E0, 0x8089, 0x11D0, {0x9C, 0xE4, 0x08, 0x00, 0x3E, 0x30, 0x1F, 0x73}};

struct DeviceList {
  HDEVINFO handle;
  ~DeviceList() {
    if (handle != INVALID_HANDLE_VALUE) SetupDiDestroyDeviceInfoList(handle);
  }
};

std::string instance_id(DEVINST inst) {
  wchar_t buf[MAX_DEVICE_ID_LEN + 1] = {};
  if (CM_Get_Device_IDW(inst, buf, MAX_DEVICE_ID_LEN, 0) != CR_SUCCESS) return {};
  return narrow(buf);
}

std::string string_property(DEVINST inst, const DEVPROPKEY& key) {
  DEVPROPTYPE type = 0;
  ULONG size = 0;
  if (CM_Get_DevNode_PropertyW(inst, &key, &type, nullptr, &size, 0) != CR_BUFFER_SMALL || type != DEVPROP_TYPE_STRING) return {};
  std::vector<wchar_t> buf(size / sizeof(wchar_t) + 1, L'\0');
  if (CM_Get_DevNode_PropertyW(inst, &key, &type, reinterpret_cast<PBYTE>(buf.data()), &size, 0) != CR_SUCCESS) return {};
  return narrow(buf.data());
}

std::string registry_property(HDEVINFO set, SP_DEVINFO_DATA& info, DWORD property) {
  wchar_t buf[512] = {};
  DWORD type = 0;
  if (SetupDiGetDeviceRegistryPropertyW(set, &info, property, &type, reinterpret_cast<PBYTE>(buf), sizeof buf - sizeof(wchar_t), nullptr) == 0 ||
      type != REG_SZ) {
    return {};
  }
  return narrow(buf);
}

std::string port_name(HDEVINFO set, SP_DEVINFO_DATA& info) {
  const HKEY key = SetupDiOpenDevRegKey(set, &info, DICS_FLAG_GLOBAL, 0, DIREG_DEV, KEY_READ);
  if (key == INVALID_HANDLE_VALUE) return {};
  wchar_t buf[64] = {};
  DWORD size = sizeof buf - sizeof(wchar_t);
  DWORD type = 0;
  const auto rc = RegQueryValueExW(key, L"PortName", nullptr, &type, reinterpret_cast<LPBYTE>(buf), &size);
  RegCloseKey(key);
  return rc == ERROR_SUCCESS && type == REG_SZ ? narrow(buf) : std::string();
}

}  // namespace

core::expected<DeviceTree, std::string> SetupApiDeviceTree::read() {
  DeviceTree tree;
  DeviceList ports{SetupDiGetClassDevsW(&kComPortInterface, nullptr, nullptr, DIGCF_PRESENT | DIGCF_DEVICEINTERFACE)};
  if (ports.handle == INVALID_HANDLE_VALUE) return core::unexpected{"SetupDiGetClassDevs(COM ports): " + error_text(GetLastError())};
  SP_DEVINFO_DATA info{};
  info.cbSize = sizeof info;
  for (DWORD i = 0; SetupDiEnumDeviceInfo(ports.handle, i, &info) != 0; ++i) {
    ComPortRecord r;
    r.port = port_name(ports.handle, info);
    if (r.port.empty()) continue;
    r.instance_id = instance_id(info.DevInst);
    r.interface_description = string_property(info.DevInst, DEVPKEY_Device_BusReportedDeviceDesc);
    r.friendly_name = registry_property(ports.handle, info, SPDRP_FRIENDLYNAME);
    r.manufacturer = registry_property(ports.handle, info, SPDRP_MFG);
    r.service = registry_property(ports.handle, info, SPDRP_SERVICE);
    DEVINST parent = 0;
    if (CM_Get_Parent(&parent, info.DevInst, 0) == CR_SUCCESS) {
      r.parent_instance_id = instance_id(parent);
      r.device_description = string_property(parent, DEVPKEY_Device_BusReportedDeviceDesc);
    }
    tree.com_ports.push_back(std::move(r));
  }
  // USB devices without a COM port, for ST-LINKs whose VCP is off or has no driver.
  DeviceList usb{SetupDiGetClassDevsW(nullptr, L"USB", nullptr, DIGCF_PRESENT | DIGCF_ALLCLASSES)};
  if (usb.handle != INVALID_HANDLE_VALUE) {
    for (DWORD i = 0; SetupDiEnumDeviceInfo(usb.handle, i, &info) != 0; ++i) {
      tree.usb_devices.push_back({instance_id(info.DevInst), string_property(info.DevInst, DEVPKEY_Device_BusReportedDeviceDesc)});
    }
  }
  return tree;
}

}  // namespace stm32mp::adapters::windows
