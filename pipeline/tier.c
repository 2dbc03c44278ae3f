/** @file tier.c
 * @brief The public tier's rules on a run's cell size and time step.
 */
#include "cli/disclose.h"
#include "pipeline/options.h"

vemt_status vemt_tier_check_cell(const vemt_job *a, double cell_m,
                                 vemt_error *err) {
    if (a->tier != 2) return VEMT_OK;
    if (cell_m < 250)
        return vemt_error_set(err, VEMT_E_ARG,
                              "the public tier publishes cells of at least "
                              "250 m (this run: %g m); use --cell-size 250 or "
                              "more",
                              cell_m);
    if (a->time_step != VEMT_STEP_MONTH)
        return vemt_error_set(err, VEMT_E_ARG,
                              "the public tier publishes time steps no finer "
                              "than a month; use --time-step month");
    return VEMT_OK;
}
