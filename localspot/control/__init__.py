"""The emulator control plane under `/_localspot/`: portals, reset, seed, snapshots, the request journal,
faults, rate limits and the clock. A product part beside the CRM areas: it uses their services and the kernel."""
