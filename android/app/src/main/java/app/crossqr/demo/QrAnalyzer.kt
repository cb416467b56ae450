package app.crossqr.demo

import androidx.camera.core.ImageAnalysis
import androidx.camera.core.ImageProxy
import app.crossqr.FrameFormat
import app.crossqr.Scanner
import app.crossqr.ScannerOptions

/**
 * Hands each camera frame's luma plane to one crossqr scanning session; reports the first code read,
 * once. The session keeps its buffers from frame to frame and spends effort only where something
 * code-like was seen, so an aimless frame costs about a millisecond; `confirm` waits for two frames to
 * agree before a code is reported.
 */
class QrAnalyzer(private val onCode: (String) -> Unit) : ImageAnalysis.Analyzer {
    private val scanner = Scanner(ScannerOptions(confirm = true))
    private var reported = false

    override fun analyze(image: ImageProxy) {
        image.use {
            if (reported) return
            // YUV_420_888: plane 0 is luma in a direct ByteBuffer, `rowStride` bytes per row (often wider
            // than the image, the last row possibly shorter). It is lent to crossqr as it is — no copy —
            // from its start, and only for the call.
            val plane = it.planes[0]
            val luma = plane.buffer.apply { rewind() }
            val result = runCatching {
                scanner.scanFrame(luma, it.width.toUInt(), it.height.toUInt(), plane.rowStride.toUInt(), FrameFormat.LUMA8,
                    it.imageInfo.rotationDegrees.toUInt())
            }
            result.getOrNull()?.codes?.firstOrNull()?.let { code ->
                reported = true
                onCode(code.text)
            }
        }
    }
}
