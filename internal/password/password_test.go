package password

import (
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	for _, p := range []Params{Fast, Default} {
		h, err := p.Hash("correct horse battery staple")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h, "$argon2id$v=19$") {
			t.Fatalf("hash %q is not PHC argon2id", h)
		}
		if ok, err := Verify("correct horse battery staple", h); err != nil || !ok {
			t.Fatalf("right password refused: %v %v", ok, err)
		}
		if ok, _ := Verify("correct horse battery stapler", h); ok {
			t.Fatal("wrong password accepted")
		}
		h2, _ := p.Hash("correct horse battery staple")
		if h2 == h {
			t.Fatal("two hashes of one password are equal: salt is not random")
		}
	}
	if _, err := Verify("x", "$2a$10$bcrypt"); err == nil {
		t.Fatal("malformed hash accepted")
	}
}
