// The implementation of <seedance/engine.hpp>, compiled once with exceptions: the seedance::engine library.
#include <seedance/engine_impl.hpp>
