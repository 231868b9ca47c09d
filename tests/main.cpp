// The Catch2 (v2) runner for every C++ test.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
