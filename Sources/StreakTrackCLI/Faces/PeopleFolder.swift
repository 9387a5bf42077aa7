import Foundation

/// Photos of known people laid out as face_recognition's users lay them out:
/// one folder per person (`obama/1.jpg`), or one photo per person named after
/// them (`obama.jpg`).
enum PeopleFolder {
    struct Photo: Sendable {
        let person: String
        let path: String
    }

    /// Every photo in `directory`, in name order; nil when the folder cannot be read.
    static func photos(in directory: String) -> [Photo]? {
        guard let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.sorted() else { return nil }
        var photos: [Photo] = []
        for entry in entries where !entry.hasPrefix(".") {
            let path = (directory as NSString).appendingPathComponent(entry)
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            if isDirectory.boolValue {
                photos += ImageInputs.imagesInFolder(path).map { Photo(person: entry, path: $0) }
            } else if ImageInputs.extensions.contains((entry as NSString).pathExtension.lowercased()) {
                photos.append(Photo(person: (entry as NSString).deletingPathExtension, path: path))
            }
        }
        return photos
    }
}
