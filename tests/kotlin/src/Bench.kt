// The Kotlin side of the FFI benchmark (`scripts/bench-ffi.sh`): one `parseCode`, one 1280×720
// `scanFrame`, one frame of a `Scanner` session and the handover of a 1280×720 buffer (a 1×1 frame read
// from it) through the bindings, the frame in a direct
// ByteBuffer as CameraX delivers it, timed like `tests/benches/ffi_baseline.rs` times the same core calls
// (one-second warm-up, median of 15 batches of the calling thread's CPU time), so the difference is the
// cost of the FFI.
package crossqr.tests

import app.crossqr.FrameFormat
import app.crossqr.Scanner
import app.crossqr.ScannerOptions
import app.crossqr.parseCode
import app.crossqr.scanFrame

/** CPU time of this thread, ns: what a shared machine's other work does not inflate. */
private val threads = java.lang.management.ManagementFactory.getThreadMXBean()

private fun medianNs(calls: Int, body: () -> Unit): Double {
    val warm = System.nanoTime()
    while (System.nanoTime() - warm < 1_000_000_000L) body()
    val batches = List(15) {
        val start = threads.currentThreadCpuTime
        repeat(calls) { body() }
        (threads.currentThreadCpuTime - start).toDouble() / calls
    }.sorted()
    return batches[batches.size / 2]
}

fun main() {
    val frame = Luma.read(repoFile("tests/fixtures/assets/jpqr-osaka-1280x720.png"))
    check(frame.width == 1280 && frame.height == 720) { "frame is ${frame.width}×${frame.height}" }
    val plane = frame.pixels.direct()
    val scanOnce = { scanFrame(plane, 1280u, 720u, 1280u, FrameFormat.LUMA8, 0u, null) }
    val session = Scanner(ScannerOptions())
    val payload = scanFrame(plane, 1280u, 720u, 1280u, FrameFormat.LUMA8, 0u, GENEROUS_BUDGET_MS).codes.single().text
    val now = System.currentTimeMillis()
    var sink = 0
    val parse = medianNs(2000) { sink += parseCode(payload, now).accounts.size }
    val scan = medianNs(20) { sink += scanOnce().codes.size }
    val scanner = medianNs(20) { sink += session.scanFrame(plane, 1280u, 720u, 1280u, FrameFormat.LUMA8, 0u).codes.size }
    // The whole 720p buffer handed over, but a 1×1 frame read from it: what crossing costs, with no
    // scanning to blur it.
    val handover = medianNs(2000) { sink += 1 + scanFrame(plane, 1u, 1u, 1280u, FrameFormat.LUMA8, 0u, null).codes.size }
    println("kotlin parse %.0f".format(parse))
    println("kotlin scan_1280x720 %.0f".format(scan))
    println("kotlin scanner_1280x720 %.0f".format(scanner))
    println("kotlin handover_1280x720 %.0f".format(handover))
    check(sink > 0) { "results unused" }
}
