// A thin wallet shell: camera, four screens, the Android Keystore and BiometricPrompt. Every decision is crossqr's.
plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
    id("org.jetbrains.kotlin.plugin.compose")
}

android {
    namespace = "app.crossqr.demo"
    compileSdk = 35
    defaultConfig {
        applicationId = "app.crossqr.demo"
        minSdk = 24
        targetSdk = 35
        versionCode = 1
        versionName = "0.1"
        // The sandbox switch and the public key it prints. Plain HTTP is allowed only to loopback in debug
        // builds: `adb reverse tcp:8787 tcp:8787` puts the host's `crossqr-switch serve` there. Over
        // HTTPS, pass the CA it was started with: -Pcrossqr.switchUrl=https://… -Pcrossqr.switchCa=ca.pem.
        fun quoted(text: String) = "\"" + text.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"") + "\""
        buildConfigField("String", "SWITCH_URL", quoted(project.findProperty("crossqr.switchUrl")?.toString() ?: "http://127.0.0.1:8787"))
        buildConfigField("String", "SWITCH_KEY", quoted(project.findProperty("crossqr.switchKey")?.toString() ?: ""))
        buildConfigField("String", "SWITCH_CA", quoted(project.findProperty("crossqr.switchCa")?.let { file(it).readText() } ?: ""))
    }
    buildFeatures {
        compose = true
        buildConfig = true
    }
    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"))
        }
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin { compilerOptions { jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17) } }

dependencies {
    implementation(project(":crossqr"))
    implementation(platform("androidx.compose:compose-bom:2024.12.01"))
    implementation("androidx.compose.material3:material3")
    implementation("androidx.activity:activity-compose:1.9.3")
    implementation("androidx.fragment:fragment-ktx:1.8.5")
    implementation("androidx.biometric:biometric:1.1.0")
    // BiometricPrompt's own dialog on Android 7–9 is an AppCompat dialog: the app theme must be AppCompat.
    implementation("androidx.appcompat:appcompat:1.7.0")
    implementation("androidx.lifecycle:lifecycle-viewmodel-compose:2.8.7")
    implementation("androidx.lifecycle:lifecycle-runtime-compose:2.8.7")
    implementation("androidx.camera:camera-camera2:1.4.1")
    implementation("androidx.camera:camera-lifecycle:1.4.1")
    implementation("androidx.camera:camera-view:1.4.1")
}
