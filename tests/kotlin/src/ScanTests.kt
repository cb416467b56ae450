// Scanning real photos' pixels through the bindings, in the layouts cameras deliver. Frames cross as
// direct ByteBuffers, as CameraX's ImageProxy planes are: UniFFI passes their native address, no copy.
package crossqr.tests

import app.crossqr.FrameFormat
import app.crossqr.SymbolStyle
import app.crossqr.ScanResult
import app.crossqr.Scanner
import app.crossqr.ScannerOptions
import app.crossqr.formatMoney
import app.crossqr.parseCode
import app.crossqr.scanFrame
import java.awt.image.BufferedImage
import java.io.File
import java.nio.ByteBuffer
import javax.imageio.ImageIO

/** The bytes in a direct (native) buffer, positioned at its start: what a camera plane is. */
fun ByteArray.direct(): ByteBuffer = ByteBuffer.allocateDirect(size).put(this).flip()

/** A frame's 8-bit luma, row-major, no padding. */
class Luma(val width: Int, val height: Int, val pixels: ByteArray) {
    /** Rotated 90° counter-clockwise: a sensor mounted so that the upright picture needs 90° clockwise. */
    fun rotatedCounterClockwise(): Luma {
        val out = ByteArray(pixels.size)
        for (y in 0 until height) for (x in 0 until width) out[(width - 1 - x) * height + y] = pixels[y * width + x]
        return Luma(height, width, out)
    }

    /** NV21 with `padding` bytes at the end of every row (as Android's ImageProxy planes have). */
    fun nv21(padding: Int): ByteArray {
        val stride = width + padding
        val out = ByteArray(stride * height + stride * ((height + 1) / 2)) { 128.toByte() }
        for (y in 0 until height) System.arraycopy(pixels, y * width, out, y * stride, width)
        return out
    }

    fun scan(): ScanResult = scanFrame(pixels.direct(), width.toUInt(), height.toUInt(), width.toUInt(), FrameFormat.LUMA8, 0u, GENEROUS_BUDGET_MS)

    companion object {
        fun read(file: File): Luma {
            val img = ImageIO.read(file) ?: fail("cannot read $file")
            val gray = BufferedImage(img.width, img.height, BufferedImage.TYPE_BYTE_GRAY)
            gray.graphics.drawImage(img, 0, 0, null)
            val data = (gray.raster.dataBuffer as java.awt.image.DataBufferByte).data
            return Luma(img.width, img.height, data.copyOf())
        }
    }
}

/** Results must not depend on the test machine's speed: give each frame ample time. */
val GENEROUS_BUDGET_MS: UInt = 5_000u

/** The image as RGBA8888 with `padding` bytes at the end of every row. */
private fun rgba(img: BufferedImage, padding: Int): ByteArray {
    val stride = img.width * 4 + padding
    val out = ByteArray(stride * img.height)
    for (y in 0 until img.height) for (x in 0 until img.width) {
        val p = img.getRGB(x, y)
        val o = y * stride + x * 4
        out[o] = (p shr 16).toByte(); out[o + 1] = (p shr 8).toByte(); out[o + 2] = p.toByte(); out[o + 3] = (p ushr 24).toByte()
    }
    return out
}

fun scanTests() {
    test("scan: ZXing's real photos (set 1) as padded RGBA") {
        val dir = repoFile("tests/fixtures/scan-corpus/zxing-qrcode-1")
        val photos = dir.listFiles { f -> f.name.endsWith(".png") }!!.sortedBy { it.name }
        check(photos.size >= 20) { "only ${photos.size} photos in $dir" }
        for (photo in photos) {
            val truth = File(photo.path.removeSuffix(".png") + ".txt").readText(Charsets.UTF_8)
            val img = ImageIO.read(photo)
            val pixels = rgba(img, padding = 16).direct()
            val result = scanFrame(pixels, img.width.toUInt(), img.height.toUInt(), (img.width * 4 + 16).toUInt(),
                FrameFormat.RGBA8888, 0u, GENEROUS_BUDGET_MS)
            assertEq(result.codes.map { it.text }, listOf(truth), "${photo.name}")
            assertEq(result.codes[0].corners.size, 4, "${photo.name} corners")
        }
    }

    test("scan: the Osaka JPQR photo, upright luma, rotated NV21, parsed") {
        val frame = Luma.read(repoFile("cli/assets/jpqr-osaka.png"))
        val upright = frame.scan()
        assertEq(upright.codes.size, 1, "codes in the upright frame")
        val text = upright.codes[0].text
        // The sensor delivers the picture turned; CameraX says "rotate 90° clockwise".
        val turned = frame.rotatedCounterClockwise()
        val nv21 = turned.nv21(padding = 64).direct()
        val rotated = scanFrame(nv21, turned.width.toUInt(), turned.height.toUInt(), (turned.width + 64).toUInt(),
            FrameFormat.NV21, 90u, GENEROUS_BUDGET_MS)
        assertEq(rotated.codes.map { it.text }, listOf(text), "NV21 rotated")
        // Corners are reported in the upright frame: the same place within a few pixels.
        for ((a, b) in upright.codes[0].corners.zip(rotated.codes[0].corners)) {
            check(Math.abs(a.x - b.x) < 3 && Math.abs(a.y - b.y) < 3) { "corner $a vs $b" }
        }
        val info = parseCode(text, null)
        assertEq(info.scheme, "jpqr", "scheme")
        assertEq(info.merchantNameAlt, "らーめん一番", "Japanese name")
        assertEq(formatMoney(java.math.BigDecimal(info.amount!!), info.currency!!, "ja", SymbolStyle.LOCALE, false), "￥1,200", "amount shown in Japanese")
    }

    test("scan: a photo without a code finds nothing") {
        val frame = Luma.read(repoFile("tests/fixtures/scan-corpus/no-code/01.png"))
        assertEq(frame.scan().codes, emptyList(), "codes")
    }

    test("scan: bad buffers are refused with invalid_frame") {
        val small = ByteBuffer.allocateDirect(100)
        expectFailure("invalid_frame", "buffer too short") { scanFrame(small, 640u, 480u, 640u, FrameFormat.LUMA8, 0u, null) }
        val frame = ByteBuffer.allocateDirect(640 * 480)
        expectFailure("invalid_frame", "stride below width") { scanFrame(frame, 640u, 480u, 320u, FrameFormat.LUMA8, 0u, null) }
        expectFailure("invalid_frame", "empty frame") { scanFrame(ByteBuffer.allocateDirect(0), 0u, 0u, 0u, FrameFormat.LUMA8, 0u, null) }
        expectFailure("invalid_frame", "rotation 45") { scanFrame(ByteBuffer.allocateDirect(64 * 64), 64u, 64u, 64u, FrameFormat.LUMA8, 45u, null) }
        expectFailure("invalid_frame", "huge dimensions") {
            scanFrame(ByteBuffer.allocateDirect(16), UInt.MAX_VALUE, UInt.MAX_VALUE, UInt.MAX_VALUE, FrameFormat.RGBA8888, 0u, null)
        }
        expectFailure("invalid_frame", "session: buffer too short") {
            Scanner(ScannerOptions()).scanFrame(small, 640u, 480u, 640u, FrameFormat.NV21, 0u)
        }
        // Only memory with a native address can be lent: a heap buffer is refused before the call.
        val heap = try {
            scanFrame(ByteBuffer.wrap(ByteArray(64 * 64)), 64u, 64u, 64u, FrameFormat.LUMA8, 0u, null)
            null
        } catch (e: IllegalArgumentException) {
            e
        }
        check(heap?.message?.contains("direct") == true) { "a heap ByteBuffer must be refused, got $heap" }
    }

    test("scan: zero-copy frame path, a direct plane with rowStride > width read in place") {
        // CameraX's YUV_420_888 luma plane: a direct ByteBuffer, rowStride wider than the image, the
        // last row possibly short of a full stride. Here it sits inside a larger native block (as planes
        // of one image do) and is lent as a slice.
        val frame = Luma.read(repoFile("tests/fixtures/assets/jpqr-osaka-1280x720.png"))
        val stride = frame.width + 96
        val block = ByteBuffer.allocateDirect(4096 + stride * frame.height)
        for (y in 0 until frame.height) {
            block.position(4096 + y * stride)
            block.put(frame.pixels, y * frame.width, frame.width)
        }
        val plane = block.position(4096).slice()
        val planeLimit = stride * (frame.height - 1) + frame.width
        plane.limit(planeLimit)
        val result = scanFrame(plane, frame.width.toUInt(), frame.height.toUInt(), stride.toUInt(), FrameFormat.NV21, 0u, GENEROUS_BUDGET_MS)
        assertEq(result.codes.size, 1, "codes read from the lent plane")
        assertEq(plane.position() to plane.limit(), 0 to planeLimit, "the buffer is read, not consumed")
        // The same plane through a camera session, which keeps its own buffers between frames.
        val scanner = Scanner(ScannerOptions(budgetMs = GENEROUS_BUDGET_MS))
        assertEq(scanner.scanFrame(plane, frame.width.toUInt(), frame.height.toUInt(), stride.toUInt(), FrameFormat.NV21, 0u).codes.map { it.text },
            result.codes.map { it.text }, "session read")
    }

    test("scan: a camera session spends a cheap pass on empty frames and confirms when asked") {
        val code = Luma.read(repoFile("tests/fixtures/assets/jpqr-osaka-1280x720.png"))
        val empty = ByteBuffer.allocateDirect(code.width * code.height)
        for (i in 0 until empty.capacity()) empty.put(i, (90 + (i % 1280) / 16).toByte()) // a plain gradient
        val codeFrame = code.pixels.direct()
        val (w, h) = code.width.toUInt() to code.height.toUInt()
        val scanner = Scanner(ScannerOptions(budgetMs = GENEROUS_BUDGET_MS, confirm = true))
        val nothing = scanner.scanFrame(empty, w, h, w, FrameFormat.LUMA8, 0u)
        assertEq(nothing.codes to nothing.candidates, emptyList<app.crossqr.ScannedCode>() to 0u, "nothing code-like")
        val once = scanner.scanFrame(codeFrame, w, h, w, FrameFormat.LUMA8, 0u)
        assertEq(once.codes.size to once.unconfirmed, 0 to 1u, "read once: held back")
        val twice = scanner.scanFrame(codeFrame, w, h, w, FrameFormat.LUMA8, 0u)
        assertEq(twice.codes.size to twice.unconfirmed, 1 to 0u, "read twice: reported")
        scanner.reset()
        assertEq(scanner.scanFrame(codeFrame, w, h, w, FrameFormat.LUMA8, 0u).unconfirmed, 1u, "reset forgets")
    }
}
