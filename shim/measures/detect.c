/* Measure "detect": what no other measure can repair (stub, being written). */
#include "config.h"

#include "measure.h"

int
hs_measure_detect (hs_measure_ctx *ctx, hs_error *err)
{
  (void) ctx;
  (void) err;
  return 0;
}
