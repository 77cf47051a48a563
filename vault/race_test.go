//go:build race

package vault_test

// raceEnabled: the race detector multiplies a process's memory several
// times over, so memory limits are not checked under it.
const raceEnabled = true
