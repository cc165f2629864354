# Sourced by `make test` and `make bench`: where the test suite finds its real services.
export ONSITE_TEST_POSTGRES_URL="${ONSITE_TEST_POSTGRES_URL:-postgresql+asyncpg://onsite:onsite@127.0.0.1:5432/onsite_test}"
export ONSITE_TEST_OUTPUT="${ONSITE_TEST_OUTPUT:-$PWD/test-output}"
