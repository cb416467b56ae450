package app.crossqr.demo

import androidx.camera.core.ImageAnalysis
import androidx.camera.core.ImageProxy
import app.crossqr.FrameFormat
import app.crossqr.scanFrame

/** Hands each camera frame's luma plane to crossqr; reports the first code read, once. */
class QrAnalyzer(private val onCode: (String) -> Unit) : ImageAnalysis.Analyzer {
    private var buffer = ByteArray(0)
    private var reported = false

    override fun analyze(image: ImageProxy) {
        image.use {
            if (reported) return
            // YUV_420_888: plane 0 is luma, `rowStride` bytes per row (often wider than the image).
            val plane = it.planes[0]
            val bytes = plane.buffer.apply { rewind() }
            if (buffer.size != bytes.remaining()) buffer = ByteArray(bytes.remaining())
            bytes.get(buffer)
            val result = runCatching {
                scanFrame(buffer, it.width.toUInt(), it.height.toUInt(), plane.rowStride.toUInt(), FrameFormat.LUMA8,
                    it.imageInfo.rotationDegrees.toUInt(), null)
            }
            result.getOrNull()?.codes?.firstOrNull()?.let { code ->
                reported = true
                onCode(code.text)
            }
        }
    }
}
