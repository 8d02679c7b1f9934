/* Minimal Cortex-M firmware for the image tests: a vector table, a reset handler that copies .data
 * and clears .bss, and (unless NO_RESOURCE_TABLE) an OpenAMP-style .resource_table with one trace
 * entry, the shape remoteproc looks for (Linux rproc_elf_find_loaded_rsc_table / OP-TEE TA). */
#include <stdint.h>

extern uint32_t _estack;
extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss;

void Reset_Handler(void);
void Default_Handler(void);

volatile uint32_t counter = 1; /* lands in .data: gives the image a RAM segment with file contents */
static char trace_buffer[256];  /* lands in .bss: memsz > filesz */

__attribute__((noreturn)) void Default_Handler(void) {
  for (;;) {
  }
}

__attribute__((noreturn)) void Reset_Handler(void) {
  uint32_t* src = &_sidata;
  for (uint32_t* dst = &_sdata; dst < &_edata;) *dst++ = *src++;
  for (uint32_t* dst = &_sbss; dst < &_ebss;) *dst++ = 0;
  for (;;) {
    counter++;
    trace_buffer[counter % sizeof trace_buffer] = (char)counter;
  }
}

/* Initial stack pointer, then the Cortex-M system exceptions (reset, NMI, HardFault, ...). STM32MP2
 * linker scripts name the section .isr_vectors (ST's kernel looks the boot address up by that name);
 * other families, MP1 included, say .isr_vector. */
#ifdef MP2_VECTOR_SECTION
#define VECTOR_SECTION ".isr_vectors"
#else
#define VECTOR_SECTION ".isr_vector"
#endif
__attribute__((section(VECTOR_SECTION), used)) const void* const vector_table[16] = {
    &_estack,        (void*)Reset_Handler, (void*)Default_Handler, (void*)Default_Handler,
    (void*)Default_Handler, (void*)Default_Handler, (void*)Default_Handler, 0,
    0,               0,                    0,                      (void*)Default_Handler,
    (void*)Default_Handler, 0,             (void*)Default_Handler, (void*)Default_Handler,
};

#ifndef NO_RESOURCE_TABLE
/* Layout of struct resource_table and struct fw_rsc_trace from include/linux/remoteproc.h. */
struct fw_rsc_trace {
  uint32_t type; /* RSC_TRACE = 2 */
  uint32_t da;
  uint32_t len;
  uint32_t reserved;
  char name[32];
};
struct firmware_resource_table {
  uint32_t version; /* 1 */
  uint32_t num;
  uint32_t reserved[2];
  uint32_t offset[1];
  struct fw_rsc_trace trace;
};
__attribute__((section(".resource_table"), used)) const struct firmware_resource_table resource_table = {
    1, 1, {0, 0}, {__builtin_offsetof(struct firmware_resource_table, trace)},
    {2, (uint32_t)(uintptr_t)trace_buffer, sizeof trace_buffer, 0, "cm_trace"},
};
#endif
