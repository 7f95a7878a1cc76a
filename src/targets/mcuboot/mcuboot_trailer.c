/* placeholder: being written */
typedef int dfu_placeholder_t;
