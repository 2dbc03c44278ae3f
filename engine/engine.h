/* SPDX-License-Identifier: GPL-3.0-or-later */
/** @file engine.h
 * @brief The engine's whole public API: includes the topic headers (units,
 * statistics, trends, clusters, safeguarding). Each has its own
 * extern "C" guard.
 */
#ifndef VEMT_ENGINE_ENGINE_H
#define VEMT_ENGINE_ENGINE_H

#include "engine/clusters.h"
#include "engine/forecast.h"
#include "engine/safeguarding.h"
#include "engine/scan.h"
#include "engine/stats.h"
#include "engine/trends.h"
#include "engine/units.h"
#include "engine/vemt.h"

#endif /* VEMT_ENGINE_ENGINE_H */
