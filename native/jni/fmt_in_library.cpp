// {fmt}'s compiled part, built into the JNI library.
//
// Why: Debian ships {fmt} only as a shared library (no PIC archive), and a stock desktop has no libfmt, so
// the engine's calls into it (fmt::vformat, …) are satisfied here instead of by libfmt.so.9. format-inl.h
// holds the definitions of {fmt}'s non-template functions; the explicit instantiations below are the ones
// format.h declares `extern template` (it expects the library to provide them).
#include <fmt/format-inl.h>


template auto fmt::detail::thousands_sep_impl<char>(fmt::detail::locale_ref) -> fmt::detail::thousands_sep_result<char>;
template auto fmt::detail::thousands_sep_impl<wchar_t>(fmt::detail::locale_ref) -> fmt::detail::thousands_sep_result<wchar_t>;
template auto fmt::detail::decimal_point_impl(fmt::detail::locale_ref) -> char;
template auto fmt::detail::decimal_point_impl(fmt::detail::locale_ref) -> wchar_t;
