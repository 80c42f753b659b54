package loaders

import "time"

// SetPaceEvery sets how often Options.Pace reads the compile clock, for a
// test; the returned func restores it.
func SetPaceEvery(d time.Duration) func() {
	old := paceEvery
	paceEvery = d
	return func() { paceEvery = old }
}
