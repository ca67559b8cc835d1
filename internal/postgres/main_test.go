package postgres_test

import (
	"os"
	"testing"

	"github.com/sightline/sightline/internal/pgtest"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
