// What the configurations a file can be built in do to a memmap read (AUDIT.md "Configuration: what a memmap
// read can see"). The rules ask; engine/files/arch-caps.ts answers from the audited tree's Kconfig (and a
// user's .config). Without a scope every read is a possible hazard, as before.

export interface ConfigScope {
  /**
   * Some configuration that builds `file` has memory hotplug or ZONE_DEVICE, so a pfn_valid() pfn may be
   * offline, never onlined, or device memory. False: every memmap pfn_valid() admits is initialized there.
   */
  memmapHazard(file: string): boolean;
  /** Some configuration that builds `file` has CONFIG_`symbol` on together with memory hotplug or ZONE_DEVICE. */
  hazardWith(file: string, symbol: string): boolean;
}

/** The hazard configuration symbols: what makes a pfn_valid() memmap possibly uninitialized or transient. */
export const HAZARD_SYMBOLS = ['MEMORY_HOTPLUG', 'ZONE_DEVICE'] as const;
