package server

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/sightline/sightline/internal/sightline"
)

// reviewArchSorted only speeds ReviewTree up: the tree is the same as from
// the items in any order, names differing only in case included.
func TestReviewArchSortedKeepsTheTree(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var items []sightline.ReviewItem
	id := int64(0)
	add := func(kind sightline.ItemKind, name string, parent *int64) int64 {
		id++
		items = append(items, sightline.ReviewItem{ID: id, Kind: kind, Name: name, ParentID: parent, Epics: rng.IntN(5)})
		return id
	}
	for s := range 4 {
		sys := add(sightline.ItemSystem, fmt.Sprintf("System %c", 'd'-s), nil)
		for range 5 {
			con := add(sightline.ItemContainer, fmt.Sprintf("container %d", rng.IntN(9)), &sys)
			for k := range 6 {
				name := fmt.Sprintf("Comp %d", rng.IntN(4))
				if k%2 == 0 {
					name = fmt.Sprintf("comp %d", rng.IntN(4)) // the same name but for case
				}
				add(sightline.ItemComponent, name, &con)
			}
		}
	}
	add(sightline.ItemExternal, "Stripe", nil)
	add(sightline.ItemExternal, "stripe", nil)
	for range 5 {
		shuffled := slices.Clone(items)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		keep := map[int64]bool{shuffled[0].ID: true}
		want := sightline.ReviewTree(shuffled, keep)
		got := sightline.ReviewTree(reviewArchSorted(shuffled), keep)
		if !reflect.DeepEqual(got, want) {
			t.Fatal("a different tree from the sorted items")
		}
	}
}
