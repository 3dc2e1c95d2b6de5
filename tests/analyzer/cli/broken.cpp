// Does not compile: fa-check must report a tool error, never a clean run.
UnknownType value;
