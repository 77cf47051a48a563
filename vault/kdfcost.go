package vault

import (
	"errors"
	"fmt"

	"vault/crypto"
	"vault/store"
	"vault/vault/internal/sysmem"
)

// ErrCostlyKDF reports a key slot whose Argon2id parameters cost more than
// init writes or than this machine has free; Open refused it before deriving.
// Options.AllowCostlyKDF opens it anyway.
var ErrCostlyKDF = errors.New("the key derivation would cost more than allowed")

// checkSlotCost decides, before any derivation, whether the slot's Argon2id
// parameters may be derived: never above crypto.LimitKDF (the header is then
// damaged), and above crypto.MaxKDF or the free memory only when the caller
// allows it.
func checkSlotCost(p crypto.KDFParams, o Options) error {
	if err := p.CheckWithin(crypto.LimitKDF()); err != nil {
		return fmt.Errorf("%w: %w", store.ErrDamagedHeader, err)
	}
	if o.AllowCostlyKDF {
		return nil
	}
	if err := p.Check(); err != nil {
		return fmt.Errorf("%w: the key slot asks for Argon2id with %s, more than vault init writes (at most %s): the header may have been altered",
			ErrCostlyKDF, p, crypto.MaxKDF())
	}
	free := o.FreeMemory
	if free == nil {
		free = sysmem.Available
	}
	need := uint64(p.MemoryKiB) << 10
	if have, known := free(); known && need > have {
		return fmt.Errorf("%w: the key slot asks for Argon2id with %s, more than the %d MiB of memory free on this machine",
			ErrCostlyKDF, p, have>>20)
	}
	return nil
}
