// The crossqr AAR: the generated Kotlin bindings, libcrossqr.so per ABI, and JNA.
// `../build-android.sh` (cargo-ndk) fills build/generated/uniffi and build/jniLibs; it runs before
// every build when an NDK is present.
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "app.crossqr"
    compileSdk = 35
    defaultConfig {
        // Packed relocations (--pack-dyn-relocs=android) need API 23; CameraX needs 21.
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
    }
    sourceSets["main"].java.srcDir(layout.buildDirectory.dir("generated/uniffi"))
    sourceSets["main"].jniLibs.srcDir(layout.buildDirectory.dir("jniLibs"))
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin { compilerOptions { jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17) } }

val cargoNdk by tasks.registering(Exec::class) {
    description = "Cross-builds libcrossqr.so for every ABI and generates the Kotlin bindings."
    workingDir = rootDir
    commandLine("./build-android.sh")
}
tasks.named("preBuild") { dependsOn(cargoNdk) }

dependencies {
    // JNA as an AAR: it carries libjnidispatch.so for every Android ABI.
    // 5.17 is the first JNA whose libjnidispatch.so is 16 KB page aligned (Android 15 devices, Play for
    // targetSdk 35); older ones fail to load there.
    api("net.java.dev.jna:jna:5.17.0@aar")
    api("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.9.0")
}
