/* Shared between the NCS compatibility sources. SPDX-License-Identifier: Apache-2.0 */
#ifndef DFU_NCS_INTERNAL_H_
#define DFU_NCS_INTERNAL_H_

/** Close the NCS stream without touching flash or the store. */
void dfu_ncs_stream_forget(void);

#endif /* DFU_NCS_INTERNAL_H_ */
