// A thin wallet shell: camera, three screens, the Android Keystore. Every decision is crossqr's.
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
        // The sandbox switch (`crossqr-switch serve --addr 0.0.0.0:8787`) seen from the emulator, and the
        // public key it prints. Override with -Pcrossqr.switchUrl=… -Pcrossqr.switchKey=….
        buildConfigField("String", "SWITCH_URL", "\"${project.findProperty("crossqr.switchUrl") ?: "http://10.0.2.2:8787"}\"")
        buildConfigField("String", "SWITCH_KEY", "\"${project.findProperty("crossqr.switchKey") ?: ""}\"")
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
    kotlinOptions { jvmTarget = "17" }
}

dependencies {
    implementation(project(":crossqr"))
    implementation(platform("androidx.compose:compose-bom:2024.12.01"))
    implementation("androidx.compose.material3:material3")
    implementation("androidx.activity:activity-compose:1.9.3")
    implementation("androidx.lifecycle:lifecycle-runtime-compose:2.8.7")
    implementation("androidx.camera:camera-camera2:1.4.1")
    implementation("androidx.camera:camera-lifecycle:1.4.1")
    implementation("androidx.camera:camera-view:1.4.1")
}
