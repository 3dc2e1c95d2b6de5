// Fiber context switch for x86-64 System V. Saves the callee-saved registers and the SSE/x87
// control words on the current stack, stores the stack pointer through the first argument and
// continues on the stack given as the second. Everything else is caller-saved by the ABI.
#if defined(__x86_64__) && defined(__linux__)
    .text

// void fa_jobs_switch_context(void** save_sp, void* load_sp)
    .globl fa_jobs_switch_context
    .hidden fa_jobs_switch_context
    .type fa_jobs_switch_context, @function
    .p2align 4
fa_jobs_switch_context:
    .cfi_startproc
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    // Not `ret`: the return address belongs to the other context's call, so `ret` would miss
    // the return-stack predictor on every switch. An indirect jump is predicted well.
    popq %rcx
    jmp *%rcx
    .cfi_endproc
    .size fa_jobs_switch_context, .-fa_jobs_switch_context

// First activation of a fiber: the prepared stack "returns" here with the entry function in
// r12 and its argument in r13. The entry function never returns.
    .globl fa_jobs_fiber_trampoline
    .hidden fa_jobs_fiber_trampoline
    .type fa_jobs_fiber_trampoline, @function
    .p2align 4
fa_jobs_fiber_trampoline:
    movq %r13, %rdi
    callq *%r12
    ud2
    .size fa_jobs_fiber_trampoline, .-fa_jobs_fiber_trampoline
#endif

    .section .note.GNU-stack,"",%progbits
