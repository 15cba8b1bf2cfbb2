#pragma once

#define RULEC_VERSION "0.1.0"
/* The Falco engine version rulec's language level corresponds to; rules files
 * with a higher required_engine_version are rejected (LOAD_ERR_VALIDATE). */
#define RULEC_ENGINE_VERSION_MAJOR 0
#define RULEC_ENGINE_VERSION_MINOR 63
#define RULEC_ENGINE_VERSION_PATCH 0
