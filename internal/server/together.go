package server

import (
	"fmt"
	"runtime/debug"
	"sync"
)

// together runs fns side by side and waits for all of them; it returns the
// first error in fns' order. A panic in one becomes its error, so it reaches
// the request's error handling as a panic in the handler itself would.
//
// The review runs its four aggregate statements this way: each takes a pool
// connection of its own, so when they are not cached their few milliseconds
// each overlap instead of adding up.
func together(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
				}
			}()
			errs[i] = fn()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
