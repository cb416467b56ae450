import AVFoundation
import CrossQR
import SwiftUI

/// The camera: AVFoundation delivers bi-planar YUV frames; their luma plane goes, uncopied, to one
/// crossqr scanning session.
struct ScannerView: UIViewRepresentable {
    let onCode: (String) -> Void

    func makeUIView(context: Context) -> PreviewView {
        let view = PreviewView()
        context.coordinator.start(in: view)
        return view
    }

    func updateUIView(_ view: PreviewView, context: Context) {}

    func makeCoordinator() -> Camera { Camera(onCode: onCode) }

    final class PreviewView: UIView {
        override class var layerClass: AnyClass { AVCaptureVideoPreviewLayer.self }
        var previewLayer: AVCaptureVideoPreviewLayer { layer as! AVCaptureVideoPreviewLayer }
    }

    final class Camera: NSObject, AVCaptureVideoDataOutputSampleBufferDelegate {
        private let session = AVCaptureSession()
        private let queue = DispatchQueue(label: "crossqr.scan")
        private let onCode: (String) -> Void
        private var reported = false
        /// One session for the camera: buffers kept between frames, effort only where something
        /// code-like was seen; a code is reported once two frames agree.
        private let scanner = CrossQR.Scanner(options: ScannerOptions(confirm: true))

        init(onCode: @escaping (String) -> Void) { self.onCode = onCode }

        func start(in view: PreviewView) {
            guard let camera = AVCaptureDevice.default(.builtInWideAngleCamera, for: .video, position: .back),
                  let input = try? AVCaptureDeviceInput(device: camera) else { return }
            session.sessionPreset = .hd1280x720
            session.addInput(input)
            let output = AVCaptureVideoDataOutput()
            output.videoSettings = [kCVPixelBufferPixelFormatTypeKey as String: kCVPixelFormatType_420YpCbCr8BiPlanarFullRange]
            output.alwaysDiscardsLateVideoFrames = true
            output.setSampleBufferDelegate(self, queue: queue)
            session.addOutput(output)
            view.previewLayer.session = session
            view.previewLayer.videoGravity = .resizeAspectFill
            queue.async { self.session.startRunning() }
        }

        func captureOutput(_ output: AVCaptureOutput, didOutput sampleBuffer: CMSampleBuffer, from connection: AVCaptureConnection) {
            guard !reported, let buffer = CMSampleBufferGetImageBuffer(sampleBuffer) else { return }
            CVPixelBufferLockBaseAddress(buffer, .readOnly)
            defer { CVPixelBufferUnlockBaseAddress(buffer, .readOnly) }
            let width = CVPixelBufferGetWidthOfPlane(buffer, 0), height = CVPixelBufferGetHeightOfPlane(buffer, 0)
            let stride = CVPixelBufferGetBytesPerRowOfPlane(buffer, 0)
            guard let base = CVPixelBufferGetBaseAddressOfPlane(buffer, 0) else { return }
            // The locked luma plane itself, not a copy: valid until the unlock after the call.
            let luma = Data(bytesNoCopy: base, count: stride * height, deallocator: .none)
            // The back camera's sensor is landscape: a portrait UI needs the frame turned 90° clockwise.
            guard let result = try? scanner.scanFrame(pixels: luma, width: UInt32(width), height: UInt32(height),
                                                      stride: UInt32(stride), format: .luma8, rotationDegrees: 90),
                  let code = result.codes.first else { return }
            reported = true
            session.stopRunning()
            DispatchQueue.main.async { self.onCode(code.text) }
        }
    }
}
