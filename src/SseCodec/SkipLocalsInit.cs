// Locals and stackalloc buffers are not zeroed on entry: every one is written before it is read, and the encoder's
// transcoding chunk would otherwise be cleared on every multi-line event.
[module: SkipLocalsInit]
